// Registration pages: add member forms, prefill from the unified database, print (no inline scripts: CSP).
document.addEventListener("click", function (event) {
  var add = event.target.closest("#add-member");
  if (add) {
    var total = document.getElementById("id_members-TOTAL_FORMS"), n = +total.value;
    var html = document.getElementById("member-template").innerHTML.replace(/__prefix__/g, n);
    var box = document.getElementById("members");
    box.insertAdjacentHTML("beforeend", html);
    total.value = n + 1;
    if (window.htmx) { htmx.process(box.lastElementChild); }
    return;
  }
  var prefill = event.target.closest("[data-prefill-values]");
  if (prefill) {
    var values = JSON.parse(prefill.getAttribute("data-prefill-values"));
    Object.keys(values).forEach(function (name) {
      var el = document.getElementById("id_" + prefill.getAttribute("data-prefix") + "-" + name);
      if (el && values[name] !== "" && values[name] !== null) { el.value = values[name]; }
    });
    prefill.textContent = prefill.getAttribute("data-done");
    return;
  }
  if (event.target.closest("[data-print]")) { window.print(); }
});
