//! The grammar, phrase by phrase: each row is a line a user might type and everything the
//! draft should say about it. Fields a row leaves out are asserted absent, so every row
//! checks title, due, rule, priority, labels, project and reminder.
//!
//! Most rows read at Wednesday 2027-03-17 10:00 in Berlin; the others at the turn of the
//! year and around the 2027 DST changes in Berlin and New York.

use chrono::{DateTime, NaiveDateTime, Timelike};
use chrono_tz::America::New_York;
use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;
use quick_add::{Context, Draft, Priority, ProjectMatch, Span, SpanKind, parse, resolve_local};

const PROJECTS: &[&str] = &[
    "Work",
    "Home Improvement",
    "Side Project Ideas",
    "Groceries",
];
const LABELS: &[&str] = &["urgent", "waiting for", "Errand", "deep work"];

#[derive(Debug, Clone, Copy)]
struct Row {
    text: &'static str,
    title: &'static str,
    /// "YYYY-MM-DD" for an all-day due, "YYYY-MM-DD HH:MM" for a timed one.
    due: Option<&'static str>,
    rrule: Option<&'static str>,
    priority: Option<Priority>,
    labels: &'static [(&'static str, bool)],
    /// The name and whether it is an existing project.
    project: Option<(&'static str, bool)>,
    remind: Option<u32>,
}

/// A row: the text and the title left of it; the builders below add the rest.
const fn r(text: &'static str, title: &'static str) -> Row {
    Row {
        text,
        title,
        due: None,
        rrule: None,
        priority: None,
        labels: &[],
        project: None,
        remind: None,
    }
}

impl Row {
    const fn due(self, due: &'static str) -> Self {
        Self {
            due: Some(due),
            ..self
        }
    }
    const fn rrule(self, rrule: &'static str) -> Self {
        Self {
            rrule: Some(rrule),
            ..self
        }
    }
    const fn p(self, priority: Priority) -> Self {
        Self {
            priority: Some(priority),
            ..self
        }
    }
    const fn labels(self, labels: &'static [(&'static str, bool)]) -> Self {
        Self { labels, ..self }
    }
    const fn project(self, name: &'static str, existing: bool) -> Self {
        Self {
            project: Some((name, existing)),
            ..self
        }
    }
    const fn remind(self, minutes: u32) -> Self {
        Self {
            remind: Some(minutes),
            ..self
        }
    }
}

use Priority::{High, Low, Normal, Urgent};

/// Read at Wednesday 2027-03-17 10:00 in Berlin (CET, +01:00).
#[rustfmt::skip]
const BERLIN: &[Row] = &[
    // Relative days.
    r("buy milk today", "buy milk").due("2027-03-17"),
    r("buy milk tod", "buy milk").due("2027-03-17"),
    r("call mom tomorrow", "call mom").due("2027-03-18"),
    r("call mom tmr", "call mom").due("2027-03-18"),
    r("Call Mom TOMORROW", "Call Mom").due("2027-03-18"),
    // "tom" is more often a name than tomorrow: it stays.
    r("pay rent tom", "pay rent tom"),
    r("email Tom the slides", "email Tom the slides"),
    r("review what happened yesterday", "review what happened yesterday"),
    r("todays plan", "todays plan"),
    r("today tomorrow", "tomorrow").due("2027-03-17"),
    r("buy milk tomorrow.", "buy milk.").due("2027-03-18"),
    r("tomorrow, call bob", "call bob").due("2027-03-18"),
    r("call bob: tomorrow", "call bob").due("2027-03-18"),
    r("x-today", "x-today"),
    // Weekdays: a bare one is the next strictly after today.
    r("submit report fri", "submit report").due("2027-03-19"),
    r("submit report friday", "submit report").due("2027-03-19"),
    r("deadline on friday", "deadline").due("2027-03-19"),
    r("team sync wednesday", "team sync").due("2027-03-24"),
    r("gym thu", "gym").due("2027-03-18"),
    r("plan week monday", "plan week").due("2027-03-22"),
    r("picnic saturday", "picnic").due("2027-03-20"),
    // "next" is next calendar week; "this" is today or later this week.
    r("dentist next monday", "dentist").due("2027-03-22"),
    r("dentist next wednesday", "dentist").due("2027-03-24"),
    r("dentist next friday", "dentist").due("2027-03-26"),
    r("brunch next sunday", "brunch").due("2027-03-28"),
    r("hike this saturday", "hike").due("2027-03-20"),
    r("standup this wednesday", "standup").due("2027-03-17"),
    r("retro this monday", "retro").due("2027-03-22"),
    r("review next week", "review").due("2027-03-22"),
    r("invoice next month", "invoice").due("2027-04-01"),
    r("taxes next year", "taxes").due("2028-01-01"),
    r("next time", "next time"),
    // "sat" and "sun" are words too: a date only where one is expected.
    r("sat exam", "sat exam"),
    r("buy sun cream", "buy sun cream"),
    r("meet on sat", "meet").due("2027-03-20"),
    r("picnic next sat", "picnic").due("2027-03-27"),
    r("picnic this sun", "picnic").due("2027-03-21"),
    // Counting from now.
    r("follow up in 3 days", "follow up").due("2027-03-20"),
    r("follow up in three days", "follow up").due("2027-03-20"),
    r("follow up in 2 weeks", "follow up").due("2027-03-31"),
    r("renew in a week", "renew").due("2027-03-24"),
    r("renew in 1 month", "renew").due("2027-04-17"),
    r("passport in 2 years", "passport").due("2029-03-17"),
    r("check oven in 2 hours", "check oven").due("2027-03-17 12:00"),
    r("tea in 10 minutes", "tea").due("2027-03-17 10:10"),
    r("call back in an hour", "call back").due("2027-03-17 11:00"),
    r("in 3", "in 3"),
    r("put in 3 apples", "put in 3 apples"),
    r("wait in 0 days", "wait in 0 days"),
    r("in 99999999999 days", "in 99999999999 days"),
    r("in 999999999 days", "in 999999999 days"),
    // Month and day; a past one is next year's, today is not past.
    r("party on mar 20", "party").due("2027-03-20"),
    r("party march 20", "party").due("2027-03-20"),
    r("party mar 20th", "party").due("2027-03-20"),
    r("party 20 march", "party").due("2027-03-20"),
    r("party 20th march", "party").due("2027-03-20"),
    r("party 20th of march", "party").due("2027-03-20"),
    r("birthday mar 16", "birthday").due("2028-03-16"),
    r("birthday march 17", "birthday").due("2027-03-17"),
    r("leap day feb 29", "leap day").due("2028-02-29"),
    r("nonsense feb 30", "nonsense feb 30"),
    r("no such day apr 31", "no such day apr 31"),
    r("month end apr 30", "month end").due("2027-04-30"),
    r("halloween oct 31", "halloween").due("2027-10-31"),
    r("new year jan 1", "new year").due("2028-01-01"),
    r("trip june 3", "trip").due("2027-06-03"),
    r("trip 3rd of june", "trip").due("2027-06-03"),
    r("conference march 20, 2028", "conference").due("2028-03-20"),
    r("conference 20 march 2029", "conference").due("2029-03-20"),
    r("vote may 5", "vote").due("2027-05-05"),
    r("may the force be with you", "may the force be with you"),
    r("march on", "march on"),
    r("report 3/20", "report 3/20"),
    // The next such day of a month.
    r("rent the 20th", "rent").due("2027-03-20"),
    r("rent on the 20th", "rent").due("2027-03-20"),
    r("rent the 17th", "rent").due("2027-03-17"),
    r("rent the 16th", "rent").due("2027-04-16"),
    r("rent the 31st", "rent").due("2027-03-31"),
    r("pay on the 1st of april", "pay").due("2027-04-01"),
    r("pay the 16th of march", "pay").due("2028-03-16"),
    r("the 20 people", "the 20 people"),
    // ISO dates are taken as written, even in the past.
    r("launch 2027-03-20", "launch").due("2027-03-20"),
    r("launch on 2027-04-01", "launch").due("2027-04-01"),
    r("archive 2026-01-05", "archive").due("2026-01-05"),
    r("ticket 2027-02-30", "ticket 2027-02-30"),
    // Times: today if still ahead (now counts), else tomorrow.
    r("standup at 9", "standup").due("2027-03-18 09:00"),
    r("standup at 11", "standup").due("2027-03-17 11:00"),
    r("call at 10", "call").due("2027-03-17 10:00"),
    r("gym at 18:00", "gym").due("2027-03-17 18:00"),
    r("gym 18:00", "gym").due("2027-03-17 18:00"),
    r("meds 9am", "meds").due("2027-03-18 09:00"),
    r("meds 9 pm", "meds").due("2027-03-17 21:00"),
    r("dinner 9:30pm", "dinner").due("2027-03-17 21:30"),
    r("dinner at 7:45 pm", "dinner").due("2027-03-17 19:45"),
    r("lunch at noon", "lunch").due("2027-03-17 12:00"),
    r("lunch noon", "lunch").due("2027-03-17 12:00"),
    r("call 12pm", "call").due("2027-03-17 12:00"),
    r("call 12am", "call").due("2027-03-18 00:00"),
    r("backup at midnight", "backup").due("2027-03-18 00:00"),
    r("call tomorrow at midnight", "call").due("2027-03-18 00:00"),
    r("stretch in the morning", "stretch").due("2027-03-18 09:00"),
    r("read in the evening", "read").due("2027-03-17 19:00"),
    r("run tomorrow morning", "run").due("2027-03-18 09:00"),
    r("movie friday evening", "movie").due("2027-03-19 19:00"),
    r("morning run", "morning run"),
    r("call tomorrow at 9", "call").due("2027-03-18 09:00"),
    r("at 9 tomorrow call", "call").due("2027-03-18 09:00"),
    r("today at 9", "today at 9").due("2027-03-17 09:00"),
    r("fri 5pm drinks", "drinks").due("2027-03-19 17:00"),
    r("ship at 5pm in 2 days", "ship").due("2027-03-19 17:00"),
    r("in 2 hours at 5pm", "at 5pm").due("2027-03-17 12:00"),
    r("at 9 at 10", "at 10").due("2027-03-18 09:00"),
    r("review 9.30pm", "review 9.30pm"),
    r("at 9:75", "at 9:75"),
    r("9am-5pm shift", "9am-5pm shift"),
    r("at 24", "at 24"),
    r("13pm", "13pm"),
    // Numbers and "at" that are not times or dates.
    r("read chapter 5", "read chapter 5"),
    r("buy 2 apples", "buy 2 apples"),
    r("read page 20", "read page 20"),
    r("call mom at home", "call mom at home"),
    r("meet at 5th avenue", "meet at 5th avenue"),
    // Recurrence: the first due is the first instance not in the past.
    r("water plants every day", "water plants").due("2027-03-17").rrule("FREQ=DAILY"),
    r("vitamins every day at 9", "vitamins").due("2027-03-18 09:00").rrule("FREQ=DAILY"),
    r("vitamins every day at 11", "vitamins").due("2027-03-17 11:00").rrule("FREQ=DAILY"),
    r("journal daily", "journal").due("2027-03-17").rrule("FREQ=DAILY"),
    r("journal each day", "journal").due("2027-03-17").rrule("FREQ=DAILY"),
    r("standup every weekday", "standup").due("2027-03-17").rrule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    r("standup every workday at 9", "standup").due("2027-03-18 09:00").rrule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    r("laundry every weekend", "laundry").due("2027-03-20").rrule("FREQ=WEEKLY;BYDAY=SA,SU"),
    r("review every week", "review").due("2027-03-17").rrule("FREQ=WEEKLY"),
    r("weekly report", "report").due("2027-03-17").rrule("FREQ=WEEKLY"),
    r("rent every month", "rent").due("2027-03-17").rrule("FREQ=MONTHLY"),
    r("rent monthly", "rent").due("2027-03-17").rrule("FREQ=MONTHLY"),
    r("checkup every year", "checkup").due("2027-03-17").rrule("FREQ=YEARLY"),
    r("checkup yearly", "checkup").due("2027-03-17").rrule("FREQ=YEARLY"),
    r("checkup annually", "checkup").due("2027-03-17").rrule("FREQ=YEARLY"),
    r("trash every other tuesday", "trash").due("2027-03-23").rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    r("run every other day", "run").due("2027-03-17").rrule("FREQ=DAILY;INTERVAL=2"),
    r("1:1 every other week", "1:1").due("2027-03-17").rrule("FREQ=WEEKLY;INTERVAL=2"),
    r("budget every other month", "budget").due("2027-03-17").rrule("FREQ=MONTHLY;INTERVAL=2"),
    r("renew every other year", "renew").due("2027-03-17").rrule("FREQ=YEARLY;INTERVAL=2"),
    r("water cactus every 3 days", "water cactus").due("2027-03-17").rrule("FREQ=DAILY;INTERVAL=3"),
    r("sync every 2 weeks", "sync").due("2027-03-17").rrule("FREQ=WEEKLY;INTERVAL=2"),
    r("sync every two weeks", "sync").due("2027-03-17").rrule("FREQ=WEEKLY;INTERVAL=2"),
    r("sync every 2 weeks on tuesday", "sync").due("2027-03-23").rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
    r("plan weekly on monday", "plan").due("2027-03-22").rrule("FREQ=WEEKLY;BYDAY=MO"),
    r("gym every mon, wed and fri", "gym").due("2027-03-17").rrule("FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    r("gym every mon, wed, fri at 9", "gym").due("2027-03-19 09:00").rrule("FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    r("piano every monday and thursday", "piano").due("2027-03-18").rrule("FREQ=WEEKLY;BYDAY=MO,TH"),
    r("piano every fri & mon", "piano").due("2027-03-19").rrule("FREQ=WEEKLY;BYDAY=MO,FR"),
    r("swim every tuesdays and thursdays", "swim").due("2027-03-18").rrule("FREQ=WEEKLY;BYDAY=TU,TH"),
    r("call dad every 2 sundays", "call dad").due("2027-03-21").rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU"),
    r("drinks every friday at 5pm", "drinks").due("2027-03-19 17:00").rrule("FREQ=WEEKLY;BYDAY=FR"),
    r("review every wednesday at 9", "review").due("2027-03-24 09:00").rrule("FREQ=WEEKLY;BYDAY=WE"),
    r("review every wednesday at 11", "review").due("2027-03-17 11:00").rrule("FREQ=WEEKLY;BYDAY=WE"),
    r("at 7am every day walk", "walk").due("2027-03-18 07:00").rrule("FREQ=DAILY"),
    r("board meeting every 2nd monday", "board meeting").due("2027-04-12").rrule("FREQ=MONTHLY;BYDAY=2MO"),
    r("board meeting every second monday of the month", "board meeting").due("2027-04-12").rrule("FREQ=MONTHLY;BYDAY=2MO"),
    r("council every month on the 2nd monday", "council").due("2027-04-12").rrule("FREQ=MONTHLY;BYDAY=2MO"),
    r("council every 3rd wednesday", "council").due("2027-03-17").rrule("FREQ=MONTHLY;BYDAY=3WE"),
    r("book club every first monday", "book club").due("2027-04-05").rrule("FREQ=MONTHLY;BYDAY=1MO"),
    r("payday every last friday", "payday").due("2027-03-26").rrule("FREQ=MONTHLY;BYDAY=-1FR"),
    r("pay card every month on the 15th", "pay card").due("2027-04-15").rrule("FREQ=MONTHLY;BYMONTHDAY=15"),
    r("pay card every 15th", "pay card").due("2027-04-15").rrule("FREQ=MONTHLY;BYMONTHDAY=15"),
    r("pay card every 20th", "pay card").due("2027-03-20").rrule("FREQ=MONTHLY;BYMONTHDAY=20"),
    r("invoice monthly on the 1st", "invoice").due("2027-04-01").rrule("FREQ=MONTHLY;BYMONTHDAY=1"),
    r("rent every other month on the 15th", "rent").due("2027-04-15").rrule("FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15"),
    // The 29th–31st: a bare monthly rule, first due in a month that has the day.
    r("payroll every 31st", "payroll").due("2027-03-31").rrule("FREQ=MONTHLY"),
    r("payroll every month on the 31st", "payroll").due("2027-03-31").rrule("FREQ=MONTHLY"),
    r("payroll every 31st starting apr 1", "payroll").due("2027-05-31").rrule("FREQ=MONTHLY"),
    r("rent every 30th starting feb 1", "rent").due("2028-03-30").rrule("FREQ=MONTHLY"),
    r("rent every 29th starting feb 1", "rent").due("2028-02-29").rrule("FREQ=MONTHLY"),
    r("close books every month on the last day", "close books").due("2027-03-31").rrule("FREQ=MONTHLY;BYMONTHDAY=-1"),
    r("close books every last day", "close books").due("2027-03-31").rrule("FREQ=MONTHLY;BYMONTHDAY=-1"),
    // Yearly on a date.
    r("anniversary every year on june 3", "anniversary").due("2027-06-03").rrule("FREQ=YEARLY"),
    r("anniversary every june 3", "anniversary").due("2027-06-03").rrule("FREQ=YEARLY"),
    r("anniversary every 3rd of june", "anniversary").due("2027-06-03").rrule("FREQ=YEARLY"),
    r("anniversary every 3 june", "anniversary").due("2027-06-03").rrule("FREQ=YEARLY"),
    r("leap party every feb 29", "leap party").due("2028-02-29").rrule("FREQ=YEARLY"),
    // Start, end and count.
    r("stretch every day starting next monday", "stretch").due("2027-03-22").rrule("FREQ=DAILY"),
    r("yoga every monday from apr 1", "yoga").due("2027-04-05").rrule("FREQ=WEEKLY;BYDAY=MO"),
    r("yoga every day starting tomorrow at 8pm", "yoga").due("2027-03-18 20:00").rrule("FREQ=DAILY"),
    r("call tomorrow every day", "call").due("2027-03-18").rrule("FREQ=DAILY"),
    r("course every day until mar 31", "course").due("2027-03-17").rrule("FREQ=DAILY;UNTIL=20270331T215959Z"),
    r("course every day until mar 20", "course").due("2027-03-17").rrule("FREQ=DAILY;UNTIL=20270320T225959Z"),
    r("standup every weekday until 2027-04-30", "standup").due("2027-03-17").rrule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270430T215959Z"),
    r("lesson every week for 5 times", "lesson").due("2027-03-17").rrule("FREQ=WEEKLY;COUNT=5"),
    r("pill every day for 10 occurrences", "pill").due("2027-03-17").rrule("FREQ=DAILY;COUNT=10"),
    r("class every tuesday for 3 times starting next week", "class").due("2027-03-23").rrule("FREQ=WEEKLY;BYDAY=TU;COUNT=3"),
    r("water plants every day until friday for 3 times", "water plants for 3 times").due("2027-03-17").rrule("FREQ=DAILY;UNTIL=20270319T225959Z"),
    r("until friday finish draft", "until finish draft").due("2027-03-19"),
    // What is not a rule stays, whole.
    r("every day every week", "every week").due("2027-03-17").rrule("FREQ=DAILY"),
    r("check every hour", "check every hour"),
    r("check every 3 hours", "check every 3 hours"),
    r("ping every 10 minutes", "ping every 10 minutes"),
    r("check every 3 hours at 9", "check every 3 hours").due("2027-03-18 09:00"),
    r("every", "every"),
    r("every every every", "every every every"),
    r("every blah", "every blah"),
    r("every other weekday", "every other weekday"),
    r("every 0 days", "every 0 days"),
    r("apples 2 each", "apples 2 each"),
    r("every feb 29 starting 9999-03-01", "every feb 29 starting 9999-03-01"),
    // Priority.
    r("fix bug p1", "fix bug").p(Urgent),
    r("fix bug P2", "fix bug").p(High),
    r("p3 tidy desk", "tidy desk").p(Normal),
    r("someday p4", "someday").p(Low),
    r("p5 rocket", "p5 rocket"),
    r("model p12", "model p12"),
    r("xp1 points", "xp1 points"),
    r("fix bug p1 p2", "fix bug p2").p(Urgent),
    r("p1", "p1").p(Urgent),
    // Reminders.
    r("flight tomorrow at 9 remind me 2 hours before", "flight").due("2027-03-18 09:00").remind(120),
    r("call remind 1 hour before", "call").remind(60),
    r("renew passport remind me 2 days before next month", "renew passport").due("2027-04-01").remind(2880),
    r("meeting at 3pm remind me 30 minutes before", "meeting").due("2027-03-17 15:00").remind(30),
    r("remind me later", "remind me later"),
    // Projects.
    r("report #work", "report").project("Work", true),
    r("report #WORK", "report").project("Work", true),
    r("paint fence #Home Improvement", "paint fence").project("Home Improvement", true),
    r("paint fence #home improvement tomorrow", "paint fence").due("2027-03-18").project("Home Improvement", true),
    r("idea #side project ideas", "idea").project("Side Project Ideas", true),
    r("plan #NewProject", "plan").project("NewProject", false),
    r("plan #home-improvement", "plan").project("home-improvement", false),
    r("buy milk #groceries.", "buy milk.").project("Groceries", true),
    r("report #work #home", "report #home").project("Work", true),
    r("#tomorrow", "#tomorrow").project("tomorrow", false),
    r("fix issue #5", "fix issue #5"),
    r("issue#5 fix", "issue#5 fix"),
    r("#", "#"),
    r("tag # here", "tag # here"),
    // Labels.
    r("call @urgent", "call").labels(&[("urgent", true)]),
    r("call @URGENT", "call").labels(&[("urgent", true)]),
    r("ping @waiting for bob", "ping bob").labels(&[("waiting for", true)]),
    r("focus @deep work tomorrow", "focus").due("2027-03-18").labels(&[("deep work", true)]),
    r("errand @Errand @errand", "errand").labels(&[("Errand", true)]),
    r("buy @shop @Shop", "buy").labels(&[("shop", false)]),
    r("x @new @urgent", "x").labels(&[("new", false), ("urgent", true)]),
    r("@today", "@today").labels(&[("today", false)]),
    r("email a@b.com", "email a@b.com"),
    r("@", "@"),
    r("@ home", "@ home"),
    // Everything at once.
    r("Call mom tomorrow at 9 p2 #Work @urgent remind me 30 minutes before", "Call mom").due("2027-03-18 09:00").p(High).project("Work", true).labels(&[("urgent", true)]).remind(30),
    r("pay rent every month on the 1st p1 #Home Improvement @Errand", "pay rent").due("2027-04-01").rrule("FREQ=MONTHLY;BYMONTHDAY=1").p(Urgent).project("Home Improvement", true).labels(&[("Errand", true)]),
    // Other scripts.
    r("🎉 Party on mar 20 😀", "🎉 Party 😀").due("2027-03-20"),
    r("déjeuner tomorrow", "déjeuner").due("2027-03-18"),
    r("Café mañana", "Café mañana"),
];

/// Read at Thursday 2027-12-30 10:00 in Berlin: the year turns.
#[rustfmt::skip]
const YEAR_END: &[Row] = &[
    r("party jan 2", "party").due("2028-01-02"),
    r("gym next monday", "gym").due("2028-01-03"),
    r("plan next week", "plan").due("2028-01-03"),
    r("budget next month", "budget").due("2028-01-01"),
    r("resolutions next year", "resolutions").due("2028-01-01"),
    r("nye tomorrow", "nye").due("2027-12-31"),
    r("fireworks friday", "fireworks").due("2027-12-31"),
    r("reset in 3 days", "reset").due("2028-01-02"),
    r("renew in 1 month", "renew").due("2028-01-30"),
    r("ball drop in 14 hours", "ball drop").due("2027-12-31 00:00"),
    r("rent the 5th", "rent").due("2028-01-05"),
    r("anniversary dec 29", "anniversary").due("2028-12-29"),
    r("wrap up dec 30", "wrap up").due("2027-12-30"),
    r("leap day feb 29", "leap day").due("2028-02-29"),
    r("countdown at 23:59", "countdown").due("2027-12-30 23:59"),
    r("payroll every 31st", "payroll").due("2027-12-31").rrule("FREQ=MONTHLY"),
    r("rent every month on the 30th", "rent").due("2027-12-30").rrule("FREQ=MONTHLY"),
    r("rent every month on the 30th at 9", "rent").due("2028-01-30 09:00").rrule("FREQ=MONTHLY"),
    r("party every jan 1", "party").due("2028-01-01").rrule("FREQ=YEARLY"),
    r("review every last friday", "review").due("2027-12-31").rrule("FREQ=MONTHLY;BYDAY=-1FR"),
    r("kickoff every first monday", "kickoff").due("2028-01-03").rrule("FREQ=MONTHLY;BYDAY=1MO"),
    r("close every month on the last day at 9", "close").due("2027-12-31 09:00").rrule("FREQ=MONTHLY;BYMONTHDAY=-1"),
];

/// Berlin, Saturday 2027-03-27 22:00 (CET): the clocks spring forward from 02:00 to
/// 03:00 tonight. Wall times in the gap are returned as typed.
#[rustfmt::skip]
const BERLIN_SPRING_EVE: &[Row] = &[
    r("party in 5 hours", "party").due("2027-03-28 04:00"),
    r("alarm at 2:30", "alarm").due("2027-03-28 02:30"),
    r("stretch tomorrow at 2:30", "stretch").due("2027-03-28 02:30"),
];

/// Berlin, Sunday 2027-03-28 01:30 (CET), half an hour before the gap.
#[rustfmt::skip]
const BERLIN_SPRING: &[Row] = &[
    r("check in 30 minutes", "check").due("2027-03-28 03:00"),
    r("check in an hour", "check").due("2027-03-28 03:30"),
    r("check in 2 hours", "check").due("2027-03-28 04:30"),
    r("call at 2:30", "call").due("2027-03-28 02:30"),
    r("call at 1", "call").due("2027-03-29 01:00"),
    r("brunch today at 2:30", "brunch").due("2027-03-28 02:30"),
    r("brunch tomorrow at 2:30", "brunch").due("2027-03-29 02:30"),
    // On a Sunday next week starts tomorrow; a bare weekday is never today.
    r("gym next monday", "gym").due("2027-03-29"),
    r("gym monday", "gym").due("2027-03-29"),
    r("gym next sunday", "gym").due("2027-04-04"),
    r("gym sunday", "gym").due("2027-04-04"),
    r("gym this sunday", "gym").due("2027-03-28"),
    r("meds every day at 2:30", "meds").due("2027-03-28 02:30").rrule("FREQ=DAILY"),
    r("course every day until today", "course").due("2027-03-28").rrule("FREQ=DAILY;UNTIL=20270328T215959Z"),
    // An UNTIL before the first due is the service's to refuse.
    r("course every day until 2027-03-27", "course").due("2027-03-28").rrule("FREQ=DAILY;UNTIL=20270327T225959Z"),
    // A month and day already past is next year's, for an UNTIL as for a due date.
    r("course every day until mar 27", "course").due("2027-03-28").rrule("FREQ=DAILY;UNTIL=20280327T215959Z"),
];

/// Berlin, Sunday 2027-10-31 01:30 CEST: at 03:00 the clocks fall back to 02:00.
#[rustfmt::skip]
const BERLIN_FALL: &[Row] = &[
    r("check in 1 hour", "check").due("2027-10-31 02:30"),
    r("check in 2 hours", "check").due("2027-10-31 02:30"),
    r("check in 3 hours", "check").due("2027-10-31 03:30"),
    r("call at 2:30", "call").due("2027-10-31 02:30"),
    r("course every day until oct 31", "course").due("2027-10-31").rrule("FREQ=DAILY;UNTIL=20271031T225959Z"),
];

/// Berlin, 2027-10-31 02:30 CET, the second time the clock shows 02:30. A repeated wall
/// time means its first instant, which has passed.
#[rustfmt::skip]
const BERLIN_FALL_REPEAT: &[Row] = &[
    r("call at 2:45", "call").due("2027-11-01 02:45"),
    r("call at 3", "call").due("2027-10-31 03:00"),
    r("check in 30 minutes", "check").due("2027-10-31 03:00"),
    r("meds every day at 2:45", "meds").due("2027-11-01 02:45").rrule("FREQ=DAILY"),
];

/// New York, Sunday 2027-03-14 01:30 EST: at 02:00 the clocks spring forward to 03:00.
#[rustfmt::skip]
const NEW_YORK_SPRING: &[Row] = &[
    r("check in 1 hour", "check").due("2027-03-14 03:30"),
    r("call at 2:30", "call").due("2027-03-14 02:30"),
    r("meds every day at 2:15", "meds").due("2027-03-14 02:15").rrule("FREQ=DAILY"),
    r("brunch every sunday", "brunch").due("2027-03-14").rrule("FREQ=WEEKLY;BYDAY=SU"),
    r("course every day until 2027-03-13", "course").due("2027-03-14").rrule("FREQ=DAILY;UNTIL=20270314T045959Z"),
    r("course every day until mar 14", "course").due("2027-03-14").rrule("FREQ=DAILY;UNTIL=20270315T035959Z"),
];

/// New York, Sunday 2027-11-07 01:30 EDT: at 02:00 the clocks fall back to 01:00.
#[rustfmt::skip]
const NEW_YORK_FALL: &[Row] = &[
    r("check in 1 hour", "check").due("2027-11-07 01:30"),
    r("check in 2 hours", "check").due("2027-11-07 02:30"),
    r("call at 1:15", "call").due("2027-11-08 01:15"),
    r("call at 1:45", "call").due("2027-11-07 01:45"),
    r("call tomorrow at 1:30", "call").due("2027-11-08 01:30"),
    r("course every day until nov 7", "course").due("2027-11-07").rrule("FREQ=DAILY;UNTIL=20271108T045959Z"),
];

/// Each table with the instant it is read at, as local time and UTC offset, which also
/// says which of two repeated wall times is meant.
const TABLES: &[(Tz, &str, &[Row])] = &[
    (Berlin, "2027-03-17 10:00 +01:00", BERLIN),
    (Berlin, "2027-12-30 10:00 +01:00", YEAR_END),
    (Berlin, "2027-03-27 22:00 +01:00", BERLIN_SPRING_EVE),
    (Berlin, "2027-03-28 01:30 +01:00", BERLIN_SPRING),
    (Berlin, "2027-10-31 01:30 +02:00", BERLIN_FALL),
    (Berlin, "2027-10-31 02:30 +01:00", BERLIN_FALL_REPEAT),
    (New_York, "2027-03-14 01:30 -05:00", NEW_YORK_SPRING),
    (New_York, "2027-11-07 01:30 -04:00", NEW_YORK_FALL),
];

fn at(tz: Tz, local: &str) -> DateTime<Tz> {
    DateTime::parse_from_str(local, "%Y-%m-%d %H:%M %:z")
        .expect("a test instant")
        .with_timezone(&tz)
}

fn context(now: DateTime<Tz>) -> Context<'static> {
    Context {
        now,
        projects: PROJECTS,
        labels: LABELS,
    }
}

/// The parts of a draft a row asserts, in the row's own terms.
#[derive(Debug, PartialEq)]
struct Outcome {
    title: String,
    due: Option<String>,
    rrule: Option<String>,
    priority: Option<Priority>,
    labels: Vec<(String, bool)>,
    project: Option<(String, bool)>,
    remind: Option<u32>,
}

impl From<&Row> for Outcome {
    fn from(row: &Row) -> Self {
        Self {
            title: row.title.to_owned(),
            due: row.due.map(str::to_owned),
            rrule: row.rrule.map(str::to_owned),
            priority: row.priority,
            labels: row
                .labels
                .iter()
                .map(|&(name, existing)| (name.to_owned(), existing))
                .collect(),
            project: row
                .project
                .map(|(name, existing)| (name.to_owned(), existing)),
            remind: row.remind,
        }
    }
}

impl From<&Draft> for Outcome {
    fn from(draft: &Draft) -> Self {
        Self {
            title: draft.title.clone(),
            due: draft.due.map(|due| {
                if due.all_day {
                    let midnight = due.at.time().num_seconds_from_midnight() == 0;
                    let day = due.at.format("%Y-%m-%d").to_string();
                    if midnight {
                        day
                    } else {
                        format!("{day} (all-day, but timed!)")
                    }
                } else {
                    due.at.format("%Y-%m-%d %H:%M").to_string()
                }
            }),
            rrule: draft.recurrence.as_ref().map(|rule| rule.rrule.clone()),
            priority: draft.priority,
            labels: draft
                .labels
                .iter()
                .map(|label| (label.name.clone(), label.existing))
                .collect(),
            project: draft.project.as_ref().map(|project| match project {
                ProjectMatch::Existing(name) => (name.clone(), true),
                ProjectMatch::Unknown(name) => (name.clone(), false),
            }),
            remind: draft.remind_before_minutes,
        }
    }
}

/// What must hold for any text: spans in order and inside the text, a recurring task
/// has a due date, an all-day due is at midnight, the title is tidy and never empty
/// when the text was not.
fn invariants(text: &str, draft: &Draft) -> Result<(), String> {
    let length = text.chars().count();
    let mut previous_end = 0;
    for span in &draft.spans {
        if span.start >= span.end || span.start < previous_end || span.end > length {
            return Err(format!("bad span {span:?} in {:?}", draft.spans));
        }
        previous_end = span.end;
    }
    if draft.recurrence.is_some() && draft.due.is_none() {
        return Err("a rule without a due date".into());
    }
    if let Some(due) = draft.due
        && due.all_day
        && due.at.time().num_seconds_from_midnight() != 0
    {
        return Err(format!("all-day due at {}", due.at));
    }
    if draft.title.trim() != draft.title || draft.title.contains("  ") {
        return Err(format!("untidy title {:?}", draft.title));
    }
    if draft.title.is_empty() != text.trim().is_empty() {
        return Err(format!("title {:?}", draft.title));
    }
    Ok(())
}

#[test]
fn phrase_table() {
    let mut failures = Vec::new();
    let mut rows = 0;
    for &(tz, now, table) in TABLES {
        let cx = context(at(tz, now));
        for row in table {
            rows += 1;
            let draft = parse(row.text, &cx);
            let got = Outcome::from(&draft);
            let want = Outcome::from(row);
            if got != want {
                failures.push(format!(
                    "{:?} at {now}\n   got  {got:?}\n   want {want:?}",
                    row.text
                ));
            }
            if let Err(broken) = invariants(row.text, &draft) {
                failures.push(format!("{:?} at {now}: {broken}", row.text));
            }
        }
    }
    assert!(rows >= 170, "only {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn phrases_are_not_repeated_in_the_table() {
    for &(_, now, table) in TABLES {
        let mut texts: Vec<&str> = table.iter().map(|row| row.text).collect();
        texts.sort_unstable();
        let before = texts.len();
        texts.dedup();
        assert_eq!(before, texts.len(), "a phrase is listed twice at {now}");
    }
}

/// Start, end and kind of each span, in order.
type ExpectedSpans = &'static [(usize, usize, SpanKind)];

/// Spans are character offsets, sorted, one per recognised phrase.
#[test]
fn spans() {
    use SpanKind::{Date, Label, Priority, Project, Recurrence, Reminder, Time};
    let cases: &[(&str, ExpectedSpans)] = &[
        (
            "Call mom tomorrow at 9 p2 #Work @urgent remind me 30 minutes before",
            &[
                (9, 17, Date),
                (18, 22, Time),
                (23, 25, Priority),
                (26, 31, Project),
                (32, 39, Label),
                (40, 67, Reminder),
            ],
        ),
        (
            "🎉 Party on mar 20 😀 @Errand",
            &[(8, 17, Date), (20, 27, Label)],
        ),
        (
            "every mon, wed and fri at 9am",
            &[(0, 22, Recurrence), (23, 29, Time)],
        ),
        ("buy milk tomorrow.", &[(9, 17, Date)]),
        ("run tomorrow evening", &[(4, 12, Date), (13, 20, Time)]),
        (
            "every day starting next monday until apr 30",
            &[
                (0, 9, Recurrence),
                (10, 30, Recurrence),
                (31, 43, Recurrence),
            ],
        ),
        ("ping @waiting for bob", &[(5, 17, Label)]),
        ("at 9 at 10", &[(0, 4, Time)]),
        ("check every 3 hours", &[]),
        ("email a@b.com #", &[]),
    ];
    let cx = context(at(Berlin, "2027-03-17 10:00 +01:00"));
    for &(text, want) in cases {
        let got: Vec<(usize, usize, SpanKind)> = parse(text, &cx)
            .spans
            .iter()
            .map(|&Span { start, end, kind }| (start, end, kind))
            .collect();
        assert_eq!(got, want, "spans of {text:?}");
    }
}

/// Inputs chosen to break things: none may panic, overflow or hang, and every draft
/// keeps the invariants.
#[test]
fn odd_inputs() {
    let long_words = "tomorrow ".repeat(20_000);
    let long_run = "a".repeat(100_000);
    let many_labels = "@x ".repeat(10_000);
    let many_every = "every ".repeat(5_000);
    let emoji = "😀".repeat(10_000);
    let texts: Vec<&str> = vec![
        "",
        " ",
        "\t\n\r",
        "🎉",
        "@",
        "#",
        "@@@@",
        "# # #",
        "#!",
        "@,",
        "every",
        "every every every",
        "every other",
        "every 999999999 days",
        "every 999999999 years",
        "every 999999999 months on the 31st",
        "every 5th monday",
        "every 31st starting dec 31",
        "every feb 29 starting 9999-03-01",
        "every day until 9999-12-31",
        "in 99999999999 days",
        "in 999999999 years",
        "in 999999999 months",
        "in 999999999 hours",
        "in 999999999 minutes",
        "remind me 99999999 weeks before",
        "remind me 4294967295m before",
        "for 99999999999 times",
        "the 99th",
        "9999-12-31",
        "10000-01-01",
        "0000-01-01",
        "at 99:99",
        "99:99pm",
        "p1p1p1",
        "ＴＯＭＯＲＲＯＷ",
        "İstanbul tomorrow",
        "#İİ @İ",
        "e\u{301} tomorrow",
        "\u{0} tomorrow \u{0}",
        "غدا tomorrow",
        "1st 2nd 3rd",
        "every 1st 2nd",
        "until friday",
        "for 5 times",
        "starting tomorrow",
        "(tomorrow) [at 9] \"p1\"",
        "tomorrow, at 9; p1!",
        "a@b #c@d @e#f",
        &long_words,
        &long_run,
        &many_labels,
        &many_every,
        &emoji,
    ];
    let odd_names: &[&str] = &["", " ", "İ", "a b c", "@", "#", "😀"];
    let instants = [
        at(Berlin, "2027-03-17 10:00 +01:00"),
        at(New_York, "2027-11-07 01:30 -04:00"),
        at(Berlin, "9999-12-31 23:30 +01:00"),
        at(New_York, "0001-01-01 00:00 -05:00"),
    ];
    for now in instants {
        for names in [PROJECTS, odd_names] {
            let cx = Context {
                now,
                projects: names,
                labels: names,
            };
            for text in &texts {
                let draft = parse(text, &cx);
                let shown: String = text.chars().take(40).collect();
                if let Err(broken) = invariants(text, &draft) {
                    panic!("{shown:?} at {now}: {broken}");
                }
                if let Some(due) = draft.due {
                    assert!(
                        due.at.date()
                            <= chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date"),
                        "{shown:?} at {now}: due {}",
                        due.at
                    );
                }
            }
        }
    }
}

#[test]
fn the_end_of_the_calendar_is_not_a_date() {
    let cx = context(at(Berlin, "9999-12-31 23:30 +01:00"));
    let draft = parse("call tomorrow at 9", &cx);
    assert_eq!(draft.due, None);
    assert_eq!(draft.title, "call tomorrow at 9");
    assert!(draft.spans.is_empty());
    let draft = parse("call today", &cx);
    assert_eq!(draft.title, "call");
    assert_eq!(
        draft.due.map(|d| d.at.to_string()),
        Some("9999-12-31 00:00:00".into())
    );
}

#[test]
fn a_long_text_keeps_only_the_first_date() {
    let cx = context(at(Berlin, "2027-03-17 10:00 +01:00"));
    let text = "tomorrow ".repeat(1_000);
    let draft = parse(&text, &cx);
    assert_eq!(draft.spans.len(), 1);
    assert_eq!(draft.title, vec!["tomorrow"; 999].join(" "));
}

#[test]
fn resolve_local_settles_gaps_and_overlaps() {
    let wall = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a wall time");
    // Spring forward: 02:30 does not exist and becomes 03:30.
    let resolved = resolve_local(wall("2027-03-28 02:30"), Berlin);
    assert_eq!(resolved.to_rfc3339(), "2027-03-28T03:30:00+02:00");
    // Fall back: 01:30 happens twice in New York; the first one (EDT) is meant.
    let resolved = resolve_local(wall("2027-11-07 01:30"), New_York);
    assert_eq!(resolved.to_rfc3339(), "2027-11-07T01:30:00-04:00");
    // A known limit of wall-time dues: two hours after 01:30 CEST on the fall-back night
    // is the second 02:30 (CET), but the draft can only say "02:30", which resolves to
    // the first.
    let cx = context(at(Berlin, "2027-10-31 01:30 +02:00"));
    let due = parse("in 2 hours", &cx).due.expect("a due date");
    assert_eq!(due.at, wall("2027-10-31 02:30"));
    assert_eq!(
        resolve_local(due.at, Berlin).to_rfc3339(),
        "2027-10-31T02:30:00+02:00"
    );
}
