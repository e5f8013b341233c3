/* The accepting helper's way to the SOS on the event page: Leaflet from static files, the SOS
   and the helper's last shared position as outlined vector markers, a straight line between
   them (tiles from LIFELINE_MAP_TILES_URL when reachable; readable without them). */
(function () {
  "use strict";
  var source = document.getElementById("sos-route-data");
  var container = document.getElementById("sos-route-map");
  if (!source || !container || !window.L) return;
  var data = JSON.parse(source.textContent);
  var map = L.map(container, { scrollWheelZoom: false });
  if (data.tile_url) {
    L.tileLayer(data.tile_url, {
      maxZoom: 19,
      attribution: data.tile_attribution,
      referrerPolicy: "strict-origin-when-cross-origin"
    }).once("tileerror", function () { container.classList.add("sos-map--no-tiles"); }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  function dot(colour, radius) {
    return { radius: radius, color: "#ffffff", weight: 2, opacity: 1, fillColor: colour, fillOpacity: 0.9 };
  }
  var target = [data.event.lat, data.event.lon];
  L.circleMarker(target, dot("#ef6c00", 11)).bindTooltip(data.event_label).addTo(map);
  if (data.helper) {
    var here = [data.helper.lat, data.helper.lon];
    L.polyline([here, target], { color: "#1565c0", weight: 4, dashArray: "8 6" }).addTo(map);
    L.circleMarker(here, dot("#2e7d32", 8)).bindTooltip(data.helper_label).addTo(map);
    map.fitBounds([here, target], { maxZoom: 16, padding: [30, 30] });
  } else {
    map.setView(target, 15);
  }
})();
