// The platform's storage, as 1EdTech's "LTI Client Side postMessages" and "LTI postMessage
// Storage" describe it: the tool's page talks to a frame of the platform's page
// (lti_storage_target, or the frame named in the lti.capabilities answer) with
// lti.put_data / lti.get_data. Data messages go only to the origin of the platform's OIDC
// auth endpoint, and only answers from that origin with our message_id count: that is what
// makes the storage a proof that this browser started the login (README, Security).
(function () {
  'use strict';

  var CAPABILITIES_WAIT_MS = 1500;
  var DATA_WAIT_MS = 2500;

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (byte) {
        return ('0' + byte.toString(16)).slice(-2);
      })
      .join('');
  }

  // The platform's window: our parent when framed, the window that opened us otherwise.
  function platformWindow() {
    if (window.parent && window.parent !== window) return window.parent;
    return window.opener || null;
  }

  // Sends one message and resolves with its answer: subject + ".response", the same
  // message_id, from acceptOrigin ("*" only for lti.capabilities, whose answer proves nothing).
  function ask(target, message, targetOrigin, acceptOrigin, waitMs) {
    return new Promise(function (resolve, reject) {
      var messageId = randomId();
      var timer = window.setTimeout(function () {
        window.removeEventListener('message', onMessage);
        reject(new Error(message.subject + ': no answer'));
      }, waitMs);
      function onMessage(event) {
        var data = event.data;
        if (!data || typeof data !== 'object') return;
        if (data.message_id !== messageId || data.subject !== message.subject + '.response') return;
        if (acceptOrigin !== '*' && event.origin !== acceptOrigin) return;
        window.clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        if (data.error) reject(new Error(message.subject + ': ' + (data.error.code || 'error')));
        else resolve(data);
      }
      window.addEventListener('message', onMessage);
      try {
        var sent = { message_id: messageId };
        Object.keys(message).forEach(function (key) {
          sent[key] = message[key];
        });
        target.postMessage(sent, targetOrigin);
      } catch (error) {
        window.clearTimeout(timer);
        window.removeEventListener('message', onMessage);
        reject(error);
      }
    });
  }

  // The storage frame: the one lti.capabilities names for this subject (Blackboard answers
  // with its "frame"), else the login's lti_storage_target ("_parent": the platform window).
  function storageWindow(storageTarget, subject) {
    var platform = platformWindow();
    if (!platform) return Promise.reject(new Error('no platform window'));
    return ask(platform, { subject: 'lti.capabilities' }, '*', '*', CAPABILITIES_WAIT_MS)
      .then(
        function (answer) {
          var supported = Array.isArray(answer.supported_messages) ? answer.supported_messages : [];
          var entry = supported.filter(function (message) {
            return message && message.subject === subject;
          })[0];
          if (supported.length > 0 && !entry) throw new Error(subject + ' not supported');
          return entry && typeof entry.frame === 'string' && entry.frame ? entry.frame : storageTarget;
        },
        function () {
          return storageTarget;
        },
      )
      .then(function (name) {
        if (!name) throw new Error('no storage target');
        if (name === '_parent') return platform;
        var frame = platform.frames[name];
        if (!frame) throw new Error('no frame named ' + name);
        return frame;
      });
  }

  function put(storageTarget, platformOrigin, key, value) {
    return storageWindow(storageTarget, 'lti.put_data').then(function (frame) {
      return ask(
        frame,
        { subject: 'lti.put_data', key: key, value: value },
        platformOrigin,
        platformOrigin,
        DATA_WAIT_MS,
      );
    });
  }

  function get(storageTarget, platformOrigin, key) {
    return storageWindow(storageTarget, 'lti.get_data')
      .then(function (frame) {
        return ask(
          frame,
          { subject: 'lti.get_data', key: key },
          platformOrigin,
          platformOrigin,
          DATA_WAIT_MS,
        );
      })
      .then(function (answer) {
        return answer.key === key ? answer.value : undefined;
      });
  }

  window.GuestlinkLtiStorage = { put: put, get: get };
})();
