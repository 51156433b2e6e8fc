// What makes a waiting guest impossible to miss, wherever the moderator has scrolled: the
// Lobby button in the bar at the top, the count in the tab title, a toast naming who
// arrived (Admit, View lobby), an optional sound at most once per 10 s, and one polite
// announcement per burst of changes. Fed by lobby.js's "guestlink:lobby" event.
(function () {
  'use strict';
  var panel = document.getElementById('lobby-panel');
  var bar = document.getElementById('lobby-alerts');
  if (!panel || !bar) return;

  var CHIME_GAP_MS = 10000;
  var ANNOUNCE_QUIET_MS = 1000;
  var ANNOUNCE_MAX_WAIT_MS = 3000;

  var client = window.Guestlink.roomApi();
  var t = window.Guestlink.t;
  var jump = document.getElementById('lobby-jump');
  var jumpCount = document.getElementById('lobby-jump-count');
  var toast = document.getElementById('lobby-toast');
  var toastText = document.getElementById('lobby-toast-text');
  var toastAdmit = document.getElementById('lobby-toast-admit');
  var toastError = document.getElementById('lobby-toast-error');
  var status = document.getElementById('lobby-status');
  var sound = document.getElementById('lobby-sound');
  var plainTitle = document.title;
  var waiting = [];
  var toastIds = [];
  var lastChime = -Infinity;
  var announced = null;
  var announceTimer = null;
  var burstStart = 0;

  try {
    sound.checked = window.localStorage.getItem('guestlink.lobbySound') === 'on';
  } catch {
    sound.checked = false;
  }

  function playChime() {
    if (!window.AudioContext) return;
    var context = new window.AudioContext();
    var oscillator = context.createOscillator();
    var gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.4);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.4);
    oscillator.onended = function () {
      context.close();
    };
  }

  // A class arriving at once must not turn into a string of beeps.
  function chime() {
    if (!sound.checked) return;
    var now = Date.now();
    if (now - lastChime < CHIME_GAP_MS) return;
    lastChime = now;
    playChime();
  }

  // Screen readers hear the count once the changes settle, not on every join.
  function scheduleAnnouncement() {
    var now = Date.now();
    if (!announceTimer) burstStart = now;
    window.clearTimeout(announceTimer);
    var wait = Math.max(0, Math.min(ANNOUNCE_QUIET_MS, burstStart + ANNOUNCE_MAX_WAIT_MS - now));
    announceTimer = window.setTimeout(function () {
      announceTimer = null;
      if (waiting.length === announced) return;
      announced = waiting.length;
      status.textContent = t('lobby:js.status', { count: announced });
    }, wait);
  }

  function byId(id) {
    return waiting.find(function (guest) {
      return guest.id === id;
    });
  }

  function renderToast() {
    toastIds = toastIds.filter(byId);
    var hadFocus = toast.contains(document.activeElement);
    toast.hidden = toastIds.length === 0;
    if (toast.hidden) {
      toastError.hidden = true;
      if (hadFocus) jump.focus();
      return;
    }
    var single = toastIds.length === 1 ? byId(toastIds[0]) : null;
    toastText.textContent = single
      ? t('lobby:js.toastOne', { name: single.name })
      : t('lobby:js.toastMany', { count: toastIds.length });
    toastAdmit.hidden = !single;
    if (hadFocus && !toast.contains(document.activeElement)) jump.focus();
  }

  function update(event) {
    var detail = event.detail;
    waiting = detail.waiting;
    var count = waiting.length;
    jumpCount.textContent = t('lobby:js.waiting', { count: count });
    jump.classList.toggle('lobby-jump-active', count > 0);
    document.title = count > 0 ? t('lobby:js.tabTitle', { count: count, title: plainTitle }) : plainTitle;
    if (detail.initial) {
      announced = count;
    } else {
      if (detail.arrived.length > 0) {
        detail.arrived.forEach(function (guest) {
          if (toastIds.indexOf(guest.id) < 0) toastIds.push(guest.id);
        });
        chime();
      }
      if (count !== announced || announceTimer) scheduleAnnouncement();
    }
    renderToast();
  }

  function viewLobby() {
    panel.scrollIntoView({ block: 'start' });
    panel.focus({ preventScroll: true });
  }

  document.addEventListener('guestlink:lobby', update);
  jump.addEventListener('click', viewLobby);
  document.getElementById('lobby-toast-view').addEventListener('click', function () {
    toastIds = [];
    renderToast();
    viewLobby();
  });
  document.getElementById('lobby-toast-dismiss').addEventListener('click', function () {
    toastIds = [];
    renderToast();
  });
  toastAdmit.addEventListener('click', function () {
    var guest = toastIds.length === 1 && byId(toastIds[0]);
    if (!guest) return;
    toastAdmit.disabled = true;
    client
      .request('POST', '/lobby/' + encodeURIComponent(guest.id) + '/admit')
      .then(
        function () {
          client.announce(t('lobby:js.admitted', { name: guest.name }));
        },
        function (failure) {
          toastError.textContent = client.messageOf(failure);
          toastError.hidden = false;
        },
      )
      .then(function () {
        toastAdmit.disabled = false;
      });
  });
  sound.addEventListener('change', function () {
    try {
      window.localStorage.setItem('guestlink.lobbySound', sound.checked ? 'on' : 'off');
    } catch {
      /* storage may be blocked inside LMS frames */
    }
    // A sample of the sound, asked for: it does not hold back the next alert.
    if (sound.checked) playChime();
  });
})();
