export { main, buildParser } from "./main.js";
