import { normalizeText } from './normalize';

/**
 * "Stop the SMS" ("не надсилайте мені смс, тільки вайбер", "як вимкнути смс", "отпишите меня от смс", "забагато
 * смс"). The unsubscribe rules read these as stop requests, but stopping only ever turns Viber off, which is the
 * opposite of what is asked: SMS is eHealth's guaranteed channel and cannot be turned off. The bot explains
 * instead. "Тільки смс" (SMS only) stays a request to stop Viber.
 */
const W = '(?:^| )';
const SMS = '(?:смс|sms|есемес|эсэмэс|смски|смсок|смсками|смсках)[^ ]*';
/** Words between the verb and "смс", none of them Viber: "вимкніть вайбер, надсилайте смс" stops Viber. */
const GAP = '(?:(?!вайбер|viber|вайбері)[^ ]+ ){0,3}';
const STOP_SMS = new RegExp(
  `${W}(?:не (?:[^ ]+ )?(?:надсила|надсил|присила|присил|присыла|присыл|шлі|шли|відправля|отправля|пиши|пишіть|пишите)[^ ]*|` +
    'вимкн[^ ]*|вимика[^ ]*|відключ[^ ]*|отключ[^ ]*|выключ[^ ]*|відпиш[^ ]*|отпиш[^ ]*|відписат[^ ]*|отписат[^ ]*|зупин[^ ]*|' +
    'останов[^ ]*|прибер[^ ]*|уберит[^ ]*|без|забагато|багато|слишком много|много|стоп|stop|no more|disable|turn off|too many) ' +
    `${GAP}${SMS}(?= |$)|` +
    `${W}(?:тільки|лише|только|only) (?:у |в |через |на )?(?:вайбер|viber|вайбері)[^ ]*`,
);
const SMS_ONLY = new RegExp(`${W}(?:тільки|лише|только|only) (?:по |через |в |у |на )?${SMS}`);

/** Whether the message asks to stop the SMS (and not Viber). */
export function asksToStopSms(text: string): boolean {
  const normalized = normalizeText(text);
  return STOP_SMS.test(normalized) && !SMS_ONLY.test(normalized);
}
