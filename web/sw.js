// The service worker: reminders by Web Push while no tab is open, their Complete and
// Snooze buttons, and the app shell kept for offline use. `web/bundle.mjs` fills in the
// version and the shell's files, so every new bundle is a new worker: it installs
// beside the old one and takes over when the page asks (the "new version" banner) or
// when no tab uses the old one any more.
const VERSION = "{{version}}";
const SHELL = `todo-shell-${VERSION}`;
const PRECACHE = {{precache}};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("todo-shell-") && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "activate-update") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Pages: the network first, so a new build shows at once; offline, the cached shell,
  // which draws the last tasks the app saw and says it is offline.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(async () =>
      (await caches.match("/", { cacheName: SHELL })) || Response.error()));
    return;
  }
  // Content-hashed files never change: the cache first.
  if (url.pathname.startsWith("/assets/") || url.pathname.startsWith("/icons/")) {
    event.respondWith((async () => {
      const cached = await caches.match(request, { cacheName: SHELL });
      return cached || fetch(request);
    })());
  }
  // Everything else (the API) goes to the network as it would without a worker.
});

self.addEventListener("push", (event) => {
  let message;
  try {
    message = event.data.json();
  } catch {
    message = { title: "Todo", body: event.data ? event.data.text() : "You have a reminder." };
  }
  const actions = [];
  if (message.completeUrl) actions.push({ action: "complete", title: "Complete" });
  if (message.snoozeUrl) actions.push({ action: "snooze", title: "Snooze 1 hour" });
  event.waitUntil(self.registration.showNotification(message.title || "Todo", {
    body: message.body || "",
    // One per reminder: a copy delivered again replaces it rather than adding another.
    tag: message.tag,
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    requireInteraction: true,
    data: { url: message.url || "/", completeUrl: message.completeUrl, snoozeUrl: message.snoozeUrl },
    actions,
  }));
});

self.addEventListener("notificationclick", (event) => {
  const { url, completeUrl, snoozeUrl } = event.notification.data || {};
  event.notification.close();
  const act = { complete: completeUrl, snooze: snoozeUrl }[event.action];
  if (act) {
    // The action link's one-time token acts without the app being open.
    event.waitUntil(fetch(act, { method: "POST", credentials: "omit" }).then((response) => {
      if (!response.ok) return self.registration.showNotification("Todo", {
        body: "That reminder's button no longer works; open the app to act on it.",
        icon: "/icons/icon-192.png",
      });
    }));
    return;
  }
  event.waitUntil((async () => {
    const target = new URL(url || "/", self.location.origin).href;
    const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const tab = open.find((client) => new URL(client.url).origin === self.location.origin);
    if (tab) {
      await tab.focus();
      return tab.navigate(target);
    }
    return self.clients.openWindow(target);
  })());
});
