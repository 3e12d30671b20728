export * from './calendar.fake.js';
export * from './gemini.fake.js';
export * from './gmail.fake.js';
export * from './google-oauth.fake.js';
export * from './http.js';
export * from './mime.js';
export * from './pubsub-pusher.js';
export * from './twilio.fake.js';
