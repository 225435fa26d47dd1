import { x } from "@jobq/queue-core"; console.log(x);
