// Register the service worker (the app shell and documents for when the Wi-Fi fails).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("Service worker not registered:", error);
  });
}
