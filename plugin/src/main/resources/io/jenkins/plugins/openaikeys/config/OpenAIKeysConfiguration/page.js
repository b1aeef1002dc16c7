/*
 * The OpenAI Ephemeral Keys section of Manage Jenkins > System (loaded as an adjunct, so it
 * works under a Content-Security-Policy without inline scripts):
 * - each role's header shows the role's name as it is typed, so a long list can be scanned;
 * - an organization's "Rotate its admin key now" asks before it acts.
 */
Behaviour.specify(".openai-keys-roles .repeated-chunk", "openai-keys-role-header", 0, function (chunk) {
  var header = chunk.querySelector(".repeated-chunk__header");
  var name = chunk.querySelector('input[name="_.name"]');
  if (!header || !name || header.querySelector(".openai-keys-role-name")) {
    return;
  }
  var label = document.createElement("strong");
  label.className = "openai-keys-role-name jenkins-!-margin-left-1";
  header.appendChild(label);
  function update() {
    label.textContent = name.value.trim();
  }
  name.addEventListener("input", update);
  update();
});

Behaviour.specify(".openai-keys-section", "openai-keys-rotate-confirm", 0, function (section) {
  section.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest('button[data-validate-button-method="rotateOrganization"]');
      if (!button) {
        return;
      }
      var chunk = button.closest(".repeated-chunk");
      var nameField = chunk ? chunk.querySelector('input[name="_.name"]') : null;
      var name = nameField ? nameField.value.trim() : "";
      var question = "Rotate the admin key of organization " + name + " now? A new admin key is created"
        + " and stored in Vault, and the old one is deleted.";
      if (!window.confirm(question)) {
        event.stopImmediatePropagation();
        event.preventDefault();
      }
    },
    true,
  );
});

/*
 * A role shows only the fields that the kind of its chosen organization uses: the project id
 * for OpenAI organizations, the engine role for the two Vault engines, models and max budget for
 * the LiteLLM proxy. A field that holds a value always stays visible, so a wrong combination can
 * be seen and cleared; until the organization's kind is known every field shows. Organizations
 * are read from the page itself, so one added or renamed before saving counts at once.
 */
Behaviour.specify(".openai-keys-section", "openai-keys-role-fields", 0, function (section) {
  var kindsOf = {
    projectId: ["AdminApiOrganization", "VaultEngineOrganization"],
    engineRole: ["VaultEngineOrganization", "LiteLlmEngineOrganization"],
    models: ["LiteLlmProxyOrganization"],
    maxBudget: ["LiteLlmProxyOrganization"],
  };

  function organizationKinds() {
    var kinds = {};
    section.querySelectorAll('.repeated-chunk[name="organizations"]').forEach(function (chunk) {
      var name = chunk.querySelector('input[name="_.name"]');
      var descriptor = chunk.getAttribute("descriptorId") || "";
      if (name && name.value.trim()) {
        kinds[name.value.trim()] = descriptor.substring(descriptor.lastIndexOf(".") + 1);
      }
    });
    return kinds;
  }

  function update() {
    var kinds = organizationKinds();
    section.querySelectorAll('.repeated-chunk[name="roles"]').forEach(function (role) {
      var organization = role.querySelector('select[name="_.organization"]');
      var kind = organization ? kinds[organization.value] : undefined;
      Object.keys(kindsOf).forEach(function (field) {
        var input = role.querySelector('[name="_.' + field + '"]');
        var item = input ? input.closest(".jenkins-form-item") : null;
        if (!item) {
          return;
        }
        var used = !kind || kindsOf[field].indexOf(kind) >= 0 || input.value.trim() !== "";
        item.style.display = used ? "" : "none";
      });
    });
  }

  ["change", "input", "filled"].forEach(function (type) {
    section.addEventListener(type, update, true);
  });
  update();
});
