// The LMS sandbox's storage frame, as Blackboard Learn's lti_storage_frame: answers
// lti.capabilities, lti.put_data and lti.get_data (1EdTech "LTI postMessage Storage") from
// the registered tool's origin only, and keeps each value for that origin in memory for as
// long as the sandbox page lives. Anything from another origin gets no answer.
(function () {
  'use strict';

  var root = document.getElementById('sandbox-storage');
  if (!root) return;
  var toolOrigin = root.getAttribute('data-tool-origin');
  var stored = new Map();
  var SUPPORTED = [
    { subject: 'lti.capabilities' },
    { subject: 'lti.put_data', frame: 'lti_storage_frame' },
    { subject: 'lti.get_data', frame: 'lti_storage_frame' },
  ];

  function answer(event, reply) {
    reply.subject = event.data.subject + '.response';
    reply.message_id = event.data.message_id;
    event.source.postMessage(reply, event.origin);
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || typeof data.subject !== 'string' || !event.source) return;
    if (event.origin !== toolOrigin) return;
    var key = typeof data.key === 'string' ? data.key : '';
    switch (data.subject) {
      case 'lti.capabilities':
        answer(event, { supported_messages: SUPPORTED });
        break;
      case 'lti.put_data':
        if (!key || typeof data.value !== 'string') {
          answer(event, { error: { code: 'bad_request', message: 'key and value must be strings' } });
          return;
        }
        stored.set(event.origin + '\n' + key, data.value);
        answer(event, { key: key, value: data.value });
        break;
      case 'lti.get_data':
        answer(event, { key: key, value: stored.get(event.origin + '\n' + key) });
        break;
      default:
        answer(event, { error: { code: 'unsupported_subject', message: 'Not supported: ' + data.subject } }); // i18n-ignore: a postMessage protocol answer for the tool's script, never shown
    }
  });
})();
