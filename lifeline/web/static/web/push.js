/* Lifeline web shell: turn browser push (Web Push with VAPID) on or off.
 *
 * Lives on the notification settings page ([data-push] section). "On": register /sw.js
 * (scope "/"), ask permission, subscribe with the VAPID key from the API and POST the
 * subscription to the devices API (session + CSRF). "Off": unsubscribe and DELETE the device
 * registered from this browser (its id is kept in localStorage by endpoint).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-push]");
  if (!root) {
    return;
  }
  var statusNode = root.querySelector("[data-push-status]");
  var onButton = root.querySelector("[data-push-on]");
  var offButton = root.querySelector("[data-push-off]");
  var STORE = "lifeline.push.device";

  function text(name) {
    return root.getAttribute("data-text-" + name) || "";
  }

  function show(state, buttons) {
    statusNode.textContent = text(state);
    onButton.hidden = !(buttons && buttons.on);
    offButton.hidden = !(buttons && buttons.off);
    onButton.disabled = false;
    offButton.disabled = false;
  }

  function fail(error, buttons) {
    if (window.console) {
      window.console.error("Lifeline push:", error);
    }
    show("error", buttons);
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  function api(method, url, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": root.getAttribute("data-csrf") }
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options);
  }

  function vapidKey() {
    // Rendered by the server ("" when Web Push is not configured there).
    return Promise.resolve(root.getAttribute("data-vapid-key") || null);
  }

  function currentSubscription() {
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  function remember(endpoint, deviceId) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify({ endpoint: endpoint, id: deviceId }));
    } catch (e) {
      /* storage may be disabled; turning off then only unsubscribes */
    }
  }

  function recalled(endpoint) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE) || "null");
      return saved && saved.endpoint === endpoint ? saved.id : null;
    } catch (e) {
      return null;
    }
  }

  function refresh() {
    if (Notification.permission === "denied") {
      show("blocked");
      return Promise.resolve();
    }
    return Promise.all([vapidKey(), currentSubscription()]).then(function (results) {
      if (!results[0]) {
        show("unconfigured");
      } else if (results[1] && Notification.permission === "granted") {
        show("on", { off: true });
      } else {
        show("off", { on: true });
      }
    });
  }

  function turnOn() {
    onButton.disabled = true;
    statusNode.textContent = text("working");
    var key = null;
    return vapidKey()
      .then(function (publicKey) {
        key = publicKey;
        if (!key) {
          return "unconfigured";
        }
        return Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") {
            return permission === "denied" ? "blocked" : "off";
          }
          return navigator.serviceWorker
            .register(root.getAttribute("data-sw-url"), { scope: "/" })
            .then(function () {
              return navigator.serviceWorker.ready;
            })
            .then(function (registration) {
              return registration.pushManager.subscribe({
                userVisibleOnly: true,
                applicationServerKey: keyBytes(key)
              });
            })
            .then(function (subscription) {
              var json = subscription.toJSON();
              return api("POST", root.getAttribute("data-devices-url"), {
                kind: "webpush",
                subscription: { endpoint: json.endpoint, keys: json.keys }
              }).then(function (response) {
                if (!response.ok) {
                  return subscription.unsubscribe().then(function () {
                    throw new Error("register " + response.status);
                  });
                }
                return response.json().then(function (device) {
                  remember(json.endpoint, device.id);
                  return "on";
                });
              });
            });
        });
      })
      .then(function (state) {
        show(state, { on: state === "off", off: state === "on" });
      })
      .catch(function (error) {
        fail(error, { on: true });
      });
  }

  function turnOff() {
    offButton.disabled = true;
    statusNode.textContent = text("working");
    return currentSubscription()
      .then(function (subscription) {
        if (!subscription) {
          return null;
        }
        var deviceId = recalled(subscription.endpoint);
        return subscription.unsubscribe().then(function () {
          if (!deviceId) {
            return null;
          }
          var url = root.getAttribute("data-devices-url") + encodeURIComponent(deviceId) + "/";
          return api("DELETE", url);
        });
      })
      .then(function () {
        try {
          window.localStorage.removeItem(STORE);
        } catch (e) {
          /* ignore */
        }
        show("off", { on: true });
      })
      .catch(function (error) {
        fail(error, { off: true });
      });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("unsupported");
    return;
  }
  onButton.addEventListener("click", turnOn);
  offButton.addEventListener("click", turnOff);
  refresh().catch(function (error) {
    fail(error, { on: true });
  });
})();
