export { CronError, CRON_EXAMPLES } from './error.js';
export { parseSchedule } from './parse.js';
export { CronSchedule, EverySchedule, type Schedule } from './schedule.js';
export { waitUntil, wallClock } from './wait.js';
export { UTC, zoneNamed, type Zone } from './zone.js';
