// The LMS sandbox page answers lti.capabilities from the tool it frames (or opened), as
// Blackboard Learn's page does: it names its storage frame, where the tool keeps the login
// state when the frame withholds cookies. Only the registered tool's origin gets an answer.
(function () {
  'use strict';

  var storageFrame = document.querySelector('iframe[name="lti_storage_frame"]');
  if (!storageFrame) return;
  var toolOrigin = storageFrame.getAttribute('data-tool-origin');

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.subject !== 'lti.capabilities' || !event.source) return;
    if (event.origin !== toolOrigin) return;
    event.source.postMessage(
      {
        subject: 'lti.capabilities.response',
        message_id: data.message_id,
        supported_messages: [
          { subject: 'lti.capabilities' },
          { subject: 'lti.put_data', frame: 'lti_storage_frame' },
          { subject: 'lti.get_data', frame: 'lti_storage_frame' },
        ],
      },
      event.origin,
    );
  });
})();
