/* EST report form: a tap/click on the map or "use my position" sets lon/lat (hidden fields); the
 * chosen point shows as a marker and the name of its area (looked up on the server with the same
 * function the form saves with) is shown in words. After a rejected submit the error summary takes
 * the focus. All text is set with textContent. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var el = document.getElementById("est-map");
  if (!el || !window.TryggMap) { return; }
  var t = TryggMap.t;
  var map = TryggMap.create(el);
  var fc = JSON.parse(document.getElementById("est-areas").textContent);
  var layer = L.geoJSON(fc, { style: { color: "#1f5fa8", weight: 2, fillOpacity: 0.08 } }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); } else { map.fitWorld(); }
  TryggMap.labels(map, layer, function (f) { return f.properties.name; });
  var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  var areaSelect = document.getElementById("id_area");
  var picked = document.getElementById("picked");
  var button = document.getElementById("use-position");
  var marker = null, lookup = 0;
  function say(text, bad) {
    picked.textContent = text;
    picked.className = bad ? "flag-up" : "";
  }
  function describe(latlng) {
    var mine = ++lookup;
    say(t("looking_up"));
    var q = "?lon=" + encodeURIComponent(latlng.lng.toFixed(6)) + "&lat=" + encodeURIComponent(latlng.lat.toFixed(6));
    return TryggMap.loadJSON(el.dataset.placeUrl + q).then(function (r) {
      if (mine !== lookup) { return; }
      if (!r.found) { say(t("outside"), true); } else if (!r.allowed) { say(r.label + ": " + t("not_yours"), true); } else {
        say(t("chosen") + " " + r.label);
      }
      picked.dataset.area = r.found ? r.code : "";
    }).catch(function () { if (mine === lookup) { say(t("chosen") + " " + latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5)); } });
  }
  function place(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 8, color: "#c0392b" }).addTo(map); }
    lon.value = latlng.lng.toFixed(6); lat.value = latlng.lat.toFixed(6);
    if (areaSelect) { areaSelect.value = ""; }
    if (pan) { map.setView(latlng, Math.max(map.getZoom(), 14)); }
    return describe(latlng);
  }
  if (lon.value && lat.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); } else if (areaSelect && areaSelect.value) {
    say(t("chosen") + " " + areaSelect.options[areaSelect.selectedIndex].text);
  }
  map.on("click", function (e) { place(e.latlng); });
  layer.on("click", function (e) { place(e.latlng); });
  if (areaSelect) {
    areaSelect.addEventListener("change", function () {
      if (!areaSelect.value) { return; }
      lon.value = ""; lat.value = ""; lookup++;
      if (marker) { map.removeLayer(marker); marker = null; }
      say(t("chosen") + " " + areaSelect.options[areaSelect.selectedIndex].text);
    });
  }
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      say(t("locating"));
      button.setAttribute("aria-busy", "true");
      navigator.geolocation.getCurrentPosition(function (pos) {
        button.removeAttribute("aria-busy");
        place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
      }, function () {
        button.removeAttribute("aria-busy");
        say(t("geolocation_failed"), true);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  } else if (button) {
    button.hidden = true;
  }
  el.dataset.ready = "1";
})();
