/* EST report form: click the map to set lon/lat (hidden fields); the chosen point shows as a marker. */
(function () {
  "use strict";
  var el = document.getElementById("est-map");
  if (!el) { return; }
  var map = TryggMap.create(el);
  var fc = JSON.parse(document.getElementById("est-areas").textContent);
  var layer = L.geoJSON(fc, { style: { color: "#1f5fa8", weight: 2, fillOpacity: 0.08 } }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  else { map.setView([57.7089, 11.9746], 11); }
  var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  var picked = document.querySelector("[data-testid=picked]");
  var marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 8, color: "#c0392b" }).addTo(map); }
    lon.value = latlng.lng.toFixed(6); lat.value = latlng.lat.toFixed(6);
    picked.textContent = lat.value + ", " + lon.value;
  }
  if (lon.value && lat.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
  map.on("click", function (e) { place(e.latlng); });
  layer.on("click", function (e) { place(e.latlng); });
  el.dataset.ready = "1";
})();
