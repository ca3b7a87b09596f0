// Small browser helpers for the portal: the dark-mode choice survives reloads.
window.portal = {
  getDarkMode: () => window.localStorage.getItem("portal-dark") === "1",
  setDarkMode: (on) => window.localStorage.setItem("portal-dark", on ? "1" : "0"),
  copy: (text) => navigator.clipboard.writeText(text),
};

// Inserts text at the caret of an input (or replaces its selection) and tells Blazor it changed.
window.portal.insertAtCaret = (id, text) => {
  const el = document.getElementById(id);
  if (!el) return;
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? start;
  el.value = el.value.slice(0, start) + text + el.value.slice(end);
  const caret = start + text.length;
  el.focus();
  el.setSelectionRange(caret, caret);
  el.dispatchEvent(new Event("input", { bubbles: true }));
};
