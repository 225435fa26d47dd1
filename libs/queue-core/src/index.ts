export { x } from "@jobq/job-defs";
