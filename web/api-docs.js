// The API docs page: Swagger UI over the server's own OpenAPI document.
// A classic script (not a module) because swagger-ui-bundle.js defines the
// global SwaggerUIBundle. "Try it out" sends requests to this server.
window.ui = SwaggerUIBundle({
  url: new URL('api', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
