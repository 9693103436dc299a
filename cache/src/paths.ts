export { API_SERVER } from './stack.js';
