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
const NOT_WANTED = '(?:не (?:хочу|хочемо|треба|потрібно|потрібні|потрібен|надо|нужно|нужны|хочу получать|хочу отримувати|бажаю)|нетреба|ненада)';
const STOP_SMS = new RegExp(
  `${W}(?:не (?:[^ ]+ )?(?:надсила|надсил|присила|присил|присыла|присыл|шлі|шли|відправля|отправля|пиши|пишіть|пишите)[^ ]*|` +
    'вимкн[^ ]*|вимика[^ ]*|відключ[^ ]*|отключ[^ ]*|выключ[^ ]*|відпиш[^ ]*|отпиш[^ ]*|відписат[^ ]*|отписат[^ ]*|зупин[^ ]*|' +
    'останов[^ ]*|прибер[^ ]*|уберит[^ ]*|без|забагато|багато|слишком много|много|стоп|stop|no more|no|disable|turn off|too many|' +
    'хватит|досить|годі|перестаньте|перестань|припиніть|прекратите) ' +
    `${GAP}${SMS}(?= |$)|` +
    `${W}${NOT_WANTED} (?:(?:мені|мне|отримувати|получать|ці|цих|ваші|ваших|більше|больше|ніяких|никаких) ){0,2}${SMS}(?= |$)|` +
    `${W}${SMS} ${GAP}(?:не потрібні|не потрібно|не треба|не надо|не нужны|не нужно|не хочу)(?= |$)|` +
    `${W}(?:i )?(?:don t|dont|do not) (?:want|need) (?:any )?(?:sms|texts?)(?= |$)|` +
    `${W}(?:тільки|лише|только|only) (?:у |в |через |на )?(?:вайбер|viber|вайбері)[^ ]*`,
);

/** The message is a complaint or a question about the SMS, not a wish: "чому коди приходять тільки в смс?". */
const WHY = new RegExp(`${W}(?:чому|чого|почему|why)(?= )`);

/** "SMS instead of Viber": "коди тільки по смс", "надсилайте коди в смс а не сюди", "хочу смс замість вайбера". */
const SMS_INSTEAD = new RegExp(
  `${W}(?:тільки|лише|лиш|только|виключно|исключительно|only) (?:по |через |в |у |на )?${SMS}|` +
    `${W}${SMS} (?:а |але )?не (?:сюди|сюда|тут|в чат|у чат|у вайбер|в вайбер|вайбер|viber)[^ ]*|` +
    `${W}не (?:сюди|сюда|тут|в чат|у вайбер|в вайбер) (?:[^ ]+ ){0,2}(?:а |краще |лучше )(?:в |на |по |через )?${SMS}|` +
    `${W}(?:замість|вместо|instead of) (?:вайбер|viber)[^ ]*|` +
    `${W}(?:краще|лучше|better) (?:[^ ]+ ){0,2}(?:в |на |по |через )?${SMS}(?= |$)|` +
    `${W}(?:надсилайте|присилайте|присылайте|шліть|пишіть|пишите|відправляйте|отправляйте) (?:[^ ]+ ){0,2}(?:в |на |по |через )${SMS}|` +
    `${W}(?:хочу|хочемо|хотів би|хотіла б|хотел бы|хотела бы) (?:щоб|шоб|чтобы|чтоб) (?:(?!не )[^ ]+ ){0,3}(?:смс|sms|есемес)[^ ]*(?: кою)?(?= |$)(?! не )`,
);

/** What a message asks of the channels: no SMS (which cannot be), SMS instead of Viber, or neither. */
export function channelWish(text: string): 'no_sms' | 'sms_instead' | null {
  const normalized = normalizeText(text);
  if (WHY.test(normalized)) return null;
  if (SMS_INSTEAD.test(normalized)) return 'sms_instead';
  if (STOP_SMS.test(normalized)) return 'no_sms';
  return null;
}
