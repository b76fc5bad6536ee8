// autograd-book: tell the reader quickly when "Live Code" cannot reach a Binder server.
(function () {
  var TIMEOUT_MS = 6000;
  function message(button, text) {
    var note = document.getElementById("ag-live-code-note");
    if (!note) {
      note = document.createElement("div");
      note.id = "ag-live-code-note";
      note.setAttribute("role", "alert");
      note.style.cssText = "margin:0.5em 0;padding:0.5em 0.8em;border-left:4px solid #D55E00;background:#fff4ec";
      var main = document.querySelector("main") || document.body;
      main.insertBefore(note, main.firstChild);
    }
    note.textContent = text;
  }
  function check() {
    var started = Date.now();
    var url = "https://mybinder.org/health";
    var done = false;
    var fail = function () {
      if (done) return;
      done = true;
      message(null, "Live Code could not reach a Binder server (mybinder.org), so the code on this page " +
        "cannot run here. You are probably offline. The outputs shown are the stored ones; to run the " +
        "notebook, open it in JupyterLab on your machine, or use the Binder or Colab buttons when online.");
    };
    var timer = setTimeout(fail, TIMEOUT_MS);
    try {
      fetch(url, { mode: "no-cors", cache: "no-store" }).then(function () {
        done = true;
        clearTimeout(timer);
      }, function () { clearTimeout(timer); fail(); });
    } catch (e) { clearTimeout(timer); fail(); }
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest(".btn-launch-thebe, .thebe-launch-button");
    if (target) check();
  }, true);
})();
