// Plan builder: after htmx swaps the builder, keep the keyboard where the user was.
(function () {
  "use strict";
  var lastItem = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var item = event.target.closest && event.target.closest(".builder-item");
    lastItem = item ? item.getAttribute("data-item") : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "builder") {
      return;
    }
    var builder = document.getElementById("builder");
    var alert = builder && builder.querySelector("[role=alert]");
    var target = alert || (lastItem && document.getElementById("item-" + lastItem));
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: false });
    }
  });
})();
