/** The only place that reads the system time; tests inject their own. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };

/** Today's date (UTC) as YYYY-MM-DD. */
export const todayOf = (clock: Clock) => clock.now().toISOString().slice(0, 10);

/** Today's date on the system clock (UTC), for code that is given no Clock. */
export const todayUtc = () => todayOf(systemClock);
