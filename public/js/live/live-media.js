// A presenter's own camera, microphone and screen: turning them on and off, the device
// picker with its preview, and what to say when the browser (or the LMS frame) says no.
(function () {
  'use strict';
  var live = ((window.Guestlink = window.Guestlink || {}).live = window.Guestlink.live || {});

  function framed() {
    try {
      return window.self !== window.top;
    } catch {
      return true;
    }
  }

  /** Whether the page's frame was given this permission at all (Permissions Policy). */
  function frameAllows(feature) {
    var policy = document.permissionsPolicy || document.featurePolicy;
    return !policy || !policy.allowsFeature || policy.allowsFeature(feature);
  }

  live.media = function (options) {
    var tracks = { audio: null, camera: null, screen: null };
    var chosen = { camera: '', mic: '' };

    /** What went wrong, in the page's words; `device` picks the word for the thing itself. */
    function explain(kind, error) {
      var device = kind === 'audio' ? 'microphone' : kind === 'camera' ? 'camera' : 'screen';
      var name = error && error.name;
      var feature = kind === 'audio' ? 'microphone' : kind === 'camera' ? 'camera' : 'display-capture';
      var t = window.Guestlink.t;
      if (framed() && (!frameAllows(feature) || name === 'NotAllowedError' || name === 'SecurityError'))
        return { frame: true, message: t('live:js.media.frameBlocked', { device: device }) };
      if (name === 'NotAllowedError' && kind === 'screen')
        return { message: t('live:js.media.screenCancelled') };
      if (name === 'NotAllowedError') return { message: t('live:js.media.blocked', { device: device }) };
      if (name === 'NotFoundError' || name === 'OverconstrainedError')
        return { message: t('live:js.media.notFound', { device: device }) };
      if (name === 'NotReadableError') return { message: t('live:js.media.inUse', { device: device }) };
      return {
        message: t('live:js.media.failed', {
          device: device,
          error: name || t('live:js.media.unknownError'),
        }),
      };
    }

    function constraints(kind) {
      if (kind === 'audio') return { audio: chosen.mic ? { deviceId: { exact: chosen.mic } } : true };
      var video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24 } };
      if (chosen.camera) video.deviceId = { exact: chosen.camera };
      return { video: video };
    }

    function set(kind, track) {
      if (tracks[kind] && tracks[kind] !== track) tracks[kind].stop();
      tracks[kind] = track;
      options.onTrack(kind, track);
    }

    function start(kind) {
      if (!navigator.mediaDevices) return Promise.reject(explain(kind, { name: 'SecurityError' }));
      var request =
        kind === 'screen'
          ? navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false })
          : navigator.mediaDevices.getUserMedia(constraints(kind));
      return request.then(
        function (stream) {
          var track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
          if (kind === 'screen' && 'contentHint' in track) track.contentHint = 'detail';
          // The browser's own "Stop sharing" button, or an unplugged camera.
          track.addEventListener('ended', function () {
            if (tracks[kind] === track) {
              set(kind, null);
              options.onEnded(kind);
            }
          });
          set(kind, track);
          return track;
        },
        function (error) {
          throw explain(kind, error);
        },
      );
    }

    function stop(kind) {
      if (tracks[kind]) set(kind, null);
    }

    function stopAll() {
      ['audio', 'camera', 'screen'].forEach(stop);
    }

    // The device picker: a preview of the chosen camera and a level meter for the microphone.
    var dialog = document.getElementById('device-dialog');
    var cameraSelect = document.getElementById('camera-select');
    var micSelect = document.getElementById('mic-select');
    var preview = document.getElementById('device-preview');
    var meter = document.getElementById('mic-meter');
    var deviceError = document.getElementById('device-error');
    var previewStream = null;
    var meterTimer = null;
    var audioContext = null;

    function stopPreview() {
      if (previewStream)
        previewStream.getTracks().forEach(function (track) {
          track.stop();
        });
      previewStream = null;
      if (meterTimer) window.clearInterval(meterTimer);
      meterTimer = null;
      if (audioContext) audioContext.close();
      audioContext = null;
      preview.srcObject = null;
    }

    function fill(select, devices, kind, current) {
      select.textContent = '';
      devices
        .filter(function (device) {
          return device.kind === kind;
        })
        .forEach(function (device, index) {
          var option = document.createElement('option');
          option.value = device.deviceId;
          option.textContent =
            device.label ||
            (kind === 'videoinput'
              ? window.Guestlink.t('live:js.devices.camera', { number: index + 1 })
              : window.Guestlink.t('live:js.devices.microphone', { number: index + 1 }));
          option.selected = device.deviceId === current;
          select.appendChild(option);
        });
    }

    function showPreview() {
      stopPreview();
      deviceError.hidden = true;
      var wanted = {
        video: cameraSelect.value ? { deviceId: { exact: cameraSelect.value } } : true,
        audio: micSelect.value ? { deviceId: { exact: micSelect.value } } : true,
      };
      return navigator.mediaDevices.getUserMedia(wanted).then(
        function (stream) {
          previewStream = stream;
          preview.srcObject = stream;
          if (window.AudioContext && stream.getAudioTracks().length) {
            audioContext = new window.AudioContext();
            var analyser = audioContext.createAnalyser();
            audioContext.createMediaStreamSource(stream).connect(analyser);
            var samples = new Uint8Array(analyser.fftSize);
            meterTimer = window.setInterval(function () {
              analyser.getByteTimeDomainData(samples);
              var peak = 0;
              for (var i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i] - 128));
              meter.value = peak / 128;
            }, 100);
          }
        },
        function (error) {
          deviceError.textContent = explain('camera', error).message;
          deviceError.hidden = false;
        },
      );
    }

    function openDevices() {
      if (!navigator.mediaDevices) return;
      dialog.showModal();
      showPreview()
        .then(function () {
          return navigator.mediaDevices.enumerateDevices();
        })
        .then(function (devices) {
          fill(cameraSelect, devices, 'videoinput', chosen.camera);
          fill(micSelect, devices, 'audioinput', chosen.mic);
        });
    }

    cameraSelect.addEventListener('change', showPreview);
    micSelect.addEventListener('change', showPreview);
    dialog.addEventListener('close', stopPreview);
    dialog.querySelectorAll('[data-close]').forEach(function (button) {
      button.addEventListener('click', function () {
        dialog.close();
      });
    });
    document.getElementById('device-apply').addEventListener('click', function () {
      var cameraChanged = chosen.camera !== cameraSelect.value;
      var micChanged = chosen.mic !== micSelect.value;
      chosen.camera = cameraSelect.value;
      chosen.mic = micSelect.value;
      dialog.close();
      // Devices in use switch at once; the others are used next time they are turned on.
      if (cameraChanged && tracks.camera) start('camera').catch(options.onRefused.bind(null, 'camera'));
      if (micChanged && tracks.audio) start('audio').catch(options.onRefused.bind(null, 'audio'));
    });

    return { start: start, stop: stop, stopAll: stopAll, tracks: tracks, openDevices: openDevices };
  };
})();
