/* The map of the console and the crew card: calls coloured by criticality, teams (green free,
   near-black on a call, grey off shift: a busy team once was an orange hardly told from an
   important call), and on the crew card the route from the team to the call
   (OSRM's road line when configured, else a dashed straight line). Redrawn from the board's
   JSON after every live refresh. */
(function () {
  "use strict";
  var container = document.getElementById("amb-map");
  if (!container || !window.L) return;
  var map = L.map(container);
  var layer = L.layerGroup().addTo(map);
  var fitted = false;
  var CALL = { critical: "#b00020", important: "#e65100", common: "#1565c0" };

  function data() {
    var node = document.getElementById("amb-map-data");
    return node ? JSON.parse(node.textContent) : { calls: [], teams: [] };
  }

  function dot(colour, radius) {
    return { radius: radius, color: "#ffffff", weight: 2, opacity: 1, fillColor: colour, fillOpacity: 0.9 };
  }

  function draw() {
    var d = data();
    layer.clearLayers();
    var bounds = [];
    d.calls.forEach(function (c) {
      var m = L.circleMarker([c.lat, c.lon], dot(CALL[c.criticality] || "#b00020", 10)).addTo(layer);
      m.bindTooltip("#" + c.number + " · " + (c.status_label || c.status));
      var el = m.getElement();
      if (el) el.setAttribute("data-map-call", c.id);
      bounds.push([c.lat, c.lon]);
    });
    d.teams.forEach(function (t) {
      var colour = !t.on_shift ? "#757575" : (t.busy ? "#263238" : "#2e7d32");
      var m = L.circleMarker([t.lat, t.lon], dot(colour, 8)).addTo(layer);
      m.bindTooltip(t.name);
      var el = m.getElement();
      if (el) el.setAttribute("data-map-team", t.id);
      bounds.push([t.lat, t.lon]);
    });
    if (d.route && d.route.points && d.route.points.length > 1) {
      // OSRM's road route (solid), or a straight line (dashed) without OSRM or when it failed.
      var road = d.route.source === "road";
      var line = L.polyline(d.route.points,
        road ? { color: "#1565c0", weight: 5 } : { color: "#1565c0", weight: 4, dashArray: "6 6" }).addTo(layer);
      var lineEl = line.getElement();
      if (lineEl) lineEl.setAttribute("data-map-route", d.route.source);
    }
    if (!fitted && bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
      fitted = true;
    } else if (!fitted) {
      map.setView([0, 0], 2);
    }
  }

  var d0 = data();
  if (d0.tile_url) {
    L.tileLayer(d0.tile_url, {
      maxZoom: 19, attribution: d0.tile_attribution, referrerPolicy: "strict-origin-when-cross-origin"
    }).once("tileerror", function () { container.classList.add("amb-map--no-tiles"); }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  draw();
  document.addEventListener("ambulance:refreshed", draw);
})();
