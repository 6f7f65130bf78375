import { Global, Inject, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '@d06/platform';
import { createWorkingDayCalendar, localDateOf, type OfficialDaysFile, type WorkingDayCalendar } from '@d06/reference-data';
import { WORKING_DAY_CALENDAR } from '../residence.tokens';

/**
 * Without an official-days entry for a year the calendar knows only the statutory holidays
 * (date-holidays' guess of Tết, no day next to 2 September): due dates may then be off by a
 * few days, which an operator should hear about at start-up, not from a complaint.
 */
class CalendarCoverageCheck implements OnModuleInit {
  private readonly logger = new Logger('WorkingDayCalendar');
  constructor(
    @Inject(WORKING_DAY_CALENDAR) private readonly calendar: WorkingDayCalendar,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const year = Number(localDateOf(this.clock.now()).slice(0, 4));
    const missing = [year, year + 1].filter((y) => !this.calendar.hasOfficialDaysFor(y));
    if (missing.length > 0) {
      this.logger.warn(
        `no official days off / make-up working days for ${missing.join(' and ')}: due dates there use the statutory holidays only; add them with RESIDENCE_CALENDAR_FILE`,
      );
    }
  }
}

/** The working-day calendar of the statutory time limits: shipped official days plus the config's file. */
@Global()
@Module({})
export class CalendarModule {
  static forRoot(extra: OfficialDaysFile | undefined): DynamicModule {
    return {
      module: CalendarModule,
      providers: [{ provide: WORKING_DAY_CALENDAR, useValue: createWorkingDayCalendar(extra) }, CalendarCoverageCheck],
      exports: [WORKING_DAY_CALENDAR],
    };
  }
}
