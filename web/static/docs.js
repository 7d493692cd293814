// Starts Swagger UI without an inline script, so the strict Content-Security-Policy holds.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
