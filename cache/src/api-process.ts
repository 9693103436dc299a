export { type ApiProcess, startApi } from './stack.js';
