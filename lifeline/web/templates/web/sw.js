/* Lifeline service worker: shows Web Push notifications and opens the app on click.
 *
 * Payload (lifeline.notifications.delivery): {"title", "body", "data": {...}}; an optional
 * "url" (top level or in data) is the page to open, same-origin only.
 */
"use strict";

var DEFAULT_TITLE = "Lifeline";
var DEFAULT_URL = "{{ default_url|escapejs }}";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function sameOriginUrl(value) {
  try {
    var url = new URL(value || DEFAULT_URL, self.location.origin);
    return url.origin === self.location.origin ? url.href : new URL(DEFAULT_URL, self.location.origin).href;
  } catch (e) {
    return new URL(DEFAULT_URL, self.location.origin).href;
  }
}

self.addEventListener("push", function (event) {
  var payload = {};
  if (event.data) {
    try {
      payload = event.data.json() || {};
    } catch (e) {
      payload = { body: event.data.text() };
    }
  }
  var data = payload.data || {};
  var title = payload.title || DEFAULT_TITLE;
  var options = {
    body: payload.body || "",
    tag: data.notification_id || undefined,
    data: { url: sameOriginUrl(payload.url || data.url) }
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        var client = list[i];
        if (client.url === target && "focus" in client) {
          return client.focus();
        }
      }
      for (var j = 0; j < list.length; j++) {
        if ("navigate" in list[j] && "focus" in list[j]) {
          return list[j].focus().then(function (c) { return c.navigate(target); });
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
