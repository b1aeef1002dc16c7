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
