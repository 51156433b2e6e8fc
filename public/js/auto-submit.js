// Submits launch hand-off forms (id_token, Deep Linking JWT) as soon as the page loads.
document.querySelectorAll('form[data-auto-submit]').forEach(function (form) {
  form.submit();
});
