// A print button ([data-print]: login cards, the printable plan); the browser's dialog also saves as PDF.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
