// Small browser helpers for the portal: the dark-mode choice survives reloads.
window.portal = {
  getDarkMode: () => window.localStorage.getItem("portal-dark") === "1",
  setDarkMode: (on) => window.localStorage.setItem("portal-dark", on ? "1" : "0"),
  copy: (text) => navigator.clipboard.writeText(text),
};
