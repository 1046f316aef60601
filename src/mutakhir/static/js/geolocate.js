// The "record my location" button of the evidence fields (templates/evidence/_fields.html): on a press, and
// only then, asks the browser for its position and fills the form's hidden latitude, longitude and accuracy.
// A file, since the CSP forbids inline scripts; its messages come from the button's data attributes.
document.querySelectorAll("[data-geolocate]").forEach((button) => {
  const box = button.closest("[data-location]");
  const status = box.querySelector("[data-geolocate-status]");
  const set = (name, value) => { box.querySelector(`input[name$="${name}"]`).value = value; };
  button.addEventListener("click", () => {
    if (!navigator.geolocation) { status.textContent = button.dataset.failed; return; }
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition((position) => {
      const c = position.coords;
      set("latitude", c.latitude.toFixed(6));
      set("longitude", c.longitude.toFixed(6));
      set("accuracy", Math.round(c.accuracy));
      status.textContent = `${button.dataset.done} ${c.latitude.toFixed(6)}, ${c.longitude.toFixed(6)} (±${Math.round(c.accuracy)} m)`;
    }, () => { status.textContent = button.dataset.failed; }, {enableHighAccuracy: true, timeout: 20000});
  });
});
