// The officer's phone page of an operation: check-in and field reports carry where the phone
// is (the hidden lat and lon of every form.locate).
(function () {
  'use strict';
  document.querySelectorAll('form.locate').forEach(function (form) {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (p) {
      form.querySelector('input[name=lat]').value = p.coords.latitude.toFixed(6);
      form.querySelector('input[name=lon]').value = p.coords.longitude.toFixed(6);
    }, function () {}, {enableHighAccuracy: true, timeout: 8000});
  });
})();
