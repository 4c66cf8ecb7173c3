// Keeps what a person typed when a form is refused for its size: the text fields of a form
// being sent are kept in this tab's sessionStorage, and when the next page says the form was
// too large (the body carries data-restore-drafts), they are put back into the same form.
// Any other page clears them. Nothing leaves the browser.
(function () {
  "use strict";
  var KEY = "kirjaamo-draft";
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return;
  }
  if (!store) {
    return;
  }

  function actionOf(form) {
    try {
      return new URL(form.action, window.location.href).pathname;
    } catch (e) {
      return "";
    }
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(store.getItem(KEY) || "null");
    } catch (e) {
      saved = null;
    }
    store.removeItem(KEY);
    if (!saved || !saved.fields) {
      return;
    }
    var forms = document.querySelectorAll("form[method=post], form[method=POST]");
    for (var i = 0; i < forms.length; i++) {
      if (actionOf(forms[i]) !== saved.action) {
        continue;
      }
      var names = Object.keys(saved.fields);
      for (var j = 0; j < names.length; j++) {
        var field = forms[i].elements.namedItem(names[j]);
        if (field && "value" in field && !field.value) {
          field.value = saved.fields[names[j]];
        }
      }
      return;
    }
  }

  if (document.body && document.body.hasAttribute("data-restore-drafts")) {
    restore();
  } else {
    store.removeItem(KEY);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.elements || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    var fields = {};
    var kept = false;
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      var type = (el.type || "").toLowerCase();
      if (!el.name || el.name === "csrf_token" || el.disabled) {
        continue;
      }
      if (el.tagName === "TEXTAREA" || type === "text" || type === "email" || type === "search") {
        fields[el.name] = el.value;
        kept = true;
      }
    }
    if (!kept) {
      return;
    }
    try {
      store.setItem(KEY, JSON.stringify({ action: actionOf(form), fields: fields }));
    } catch (e) {
      // Too large for sessionStorage too: nothing to keep.
    }
  });
})();
