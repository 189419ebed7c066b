// A model of what the real doublezerod writes and answers, per client version (docs/doublezerod-model.md).
// Pure: no I/O, no clock; callers pass times in.
export * from './version';
export * from './go-format';
export * from './records';
export * from './journal';
export * from './send';
export * from './send-schedule';
export * from './throttle';
export * from './metrics';
export * from './cli';
export * from './api';
