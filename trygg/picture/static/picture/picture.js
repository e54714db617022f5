/* The situation picture page: trend chart (Chart.js) and the map with its layers (Leaflet). */
(function () {
  "use strict";
  var series = JSON.parse(document.getElementById("series-data").textContent);
  var colours = { police: "#102a5c", est: "#d97706" };
  var names = { police: "Polis", est: "EST" };
  var canvas = document.getElementById("trend-chart");
  if (canvas && window.Chart) {
    var datasets = Object.keys(series.series).map(function (k) {
      return { label: names[k] || k, data: series.series[k], borderColor: colours[k] || "#555",
               backgroundColor: colours[k] || "#555", pointRadius: 0, borderWidth: 1.5, tension: 0 };
    });
    canvas._chart = new Chart(canvas, { type: "line", data: { labels: series.labels, datasets: datasets },
      options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
                 scales: { y: { beginAtZero: true } } } });
    canvas.dataset.ready = "1";
  }

  var el = document.getElementById("picture-map");
  if (!el || !window.TryggMap) { return; }
  var map = TryggMap.create(el);
  var url = function (name) { return el.dataset.layers.replace("LAYER", name); };
  function colour(rate, max) {
    if (rate === null || rate === undefined || !max) { return "#eeeeee"; }
    var t = Math.min(1, rate / max);
    var r = Math.round(255 - t * (255 - 31)), g = Math.round(245 - t * (245 - 95)), b = Math.round(235 - t * (235 - 168));
    return "rgb(" + r + "," + g + "," + b + ")";
  }
  var overlays = {}, loaded = 0, want = 4;
  var control = L.control.layers(null, {}, { collapsed: false }).addTo(map);
  function done(name, layer, show) {
    overlays[name] = layer;
    control.addOverlay(layer, el.dataset["l" + name.charAt(0).toUpperCase() + name.slice(1)] || name);
    if (show) { layer.addTo(map); }
    el.dataset["count" + name.charAt(0).toUpperCase() + name.slice(1)] = String(layer.getLayers().length);
    loaded += 1;
    if (loaded === want) { el.dataset.ready = "1"; }
  }
  TryggMap.loadJSON(url("choropleth")).then(function (fc) {
    var max = 0;
    fc.features.forEach(function (f) { if (f.properties.rate > max) { max = f.properties.rate; } });
    var layer = L.geoJSON(fc, {
      style: function (f) {
        var d = f.properties.direction;
        return { color: d === "up" ? "#b3261e" : d === "down" ? "#1b7f3a" : "#555", weight: d ? 4 : 1,
                 fillColor: colour(f.properties.rate, max), fillOpacity: 0.45 };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip("<strong>" + p.name + "</strong><br>" + p.count + " (" + p.comparison_count + ")" +
          (p.rate !== null ? "<br>" + p.rate.toFixed(2) + " / 1000" : "") +
          (p.direction === "up" ? " ▲" : p.direction === "down" ? " ▼" : ""));
      }
    });
    done("choropleth", layer, true);
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  }).then(function () {
    return TryggMap.loadJSON(url("est")).then(function (fc) {
      done("est", L.geoJSON(fc, { pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4, color: "#d97706", weight: 1, fillOpacity: 0.8 })
          .bindTooltip(f.properties.label + " " + f.properties.date); } }), true);
    });
  }).then(function () {
    return TryggMap.loadJSON(url("hotspots")).then(function (fc) {
      done("hotspots", L.geoJSON(fc, { style: { color: "#b3261e", weight: 1, fillColor: "#b3261e", fillOpacity: 0.45 },
        onEachFeature: function (f, l) { l.bindTooltip("Gi* z = " + f.properties.z + ", n = " + f.properties.count); } }), true);
    });
  }).then(function () {
    return TryggMap.loadJSON(url("police")).then(function (fc) {
      done("police", L.geoJSON(fc, { pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4 + Math.sqrt(f.properties.count) * 2, color: "#102a5c", weight: 2, fillOpacity: 0.3 })
          .bindTooltip(f.properties.name + ": " + f.properties.count); } }), true);
    });
  }).catch(function (err) { el.dataset.error = String(err); });
})();
