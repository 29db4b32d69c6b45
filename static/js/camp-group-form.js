// Group form: when the country changes, its time zones move to the top of the zone list, and a
// zone of another country is replaced by the new country's first (Laos has one: Vientiane).
(function () {
  var country = document.querySelector("select[name=country]");
  var zone = document.querySelector("select[data-zones-by-country]");
  if (!country || !zone) { return; }
  country.addEventListener("change", function () {
    var option = country.options[country.selectedIndex];
    var name = option ? option.textContent.trim() : "";
    var groups = zone.querySelectorAll("optgroup");
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].label === name) {
        zone.insertBefore(groups[i], zone.firstChild);
        var current = zone.options[zone.selectedIndex];
        if (!current || current.parentNode !== groups[i]) { groups[i].querySelector("option").selected = true; }
        return;
      }
    }
  });
})();
