/**
 * Questions that mention prescriptions, referrals or codes but cannot be answered from the patient's own data:
 * definitions ("що таке е-рецепт"), prices ("скільки коштує аналіз"), other codes and passwords, shelf life and
 * pharmacy hours, and cooking recipes. Their domain words pull a bag-of-words
 * model towards a data intent, while the question itself is always out of scope for Vistka, so they are
 * recognised by their question form instead (Ukrainian/Russian, and English). Works on normalised text.
 */

const W = '(?:^| )';
const END = '(?= |$)';

const DEFINITION = new RegExp(
  // "що таке з моїм кодом" asks what is wrong, not for a definition, hence the look-ahead.
  `${W}(?:що|шо|что|чо) (?:це |это )?(?:таке|такое|означає|означа|значить|значит|означает)${END}(?! з | с | со )`,
);

const PRICE = new RegExp(
  `${W}(?:кошту[а-яіїєґ']*|вартість|вартості|ціна|ціни|цін|ціну|стоит|стоят|стоить|стоимость|цена|цены|цену|почем|почому|грн|гривень)${END}`,
);

/**
 * English definitions: "what is a prescription", "what's an e-referral", "what does referral mean".
 * Not "what is my code" or "what is the code": those ask for the patient's own data.
 */
const DEFINITION_EN = new RegExp(
  `${W}(?:(?:what|whats|what's) (?:is |are )?(?:a|an|e)(?= )|what (?:does|do) (?:[^ ]+ ){1,3}mean${END}|` +
    `meaning of${END}|define${END})`,
);

/** English prices: "how much does insulin cost", "price of paracetamol". */
const PRICE_EN = new RegExp(`${W}(?:cost|costs|price|prices|pricing|uah|hryvnia|hryvnias)${END}`);

/**
 * Other codes and passwords: a phone or region code, a postcode, a promo code, a password or PIN ("телефонний код
 * польщі", "код регіону", "забув пароль від дії"). Never the patient's confirmation code.
 */
const OTHER_CODE = new RegExp(
  `${W}(?:(?:код|кода|коду|коди) (?:[^ ]+ )?(?:телефонн[^ ]*|міжміськ[^ ]*|регіон[^ ]*|региона|країни|страны|міста|города|області|оператора|домофона|під'їзду|подъезда)|` +
    `(?:телефонн[^ ]*|міжміськ[^ ]*|поштов[^ ]*|почтов[^ ]*|промо|qr|штрих|знижков[^ ]*|бонусн[^ ]*|скидочн[^ ]*) ?(?:код|кода|коду|коди)|` +
    `(?:код|кода|коду|коди) (?:на |для )?(?:знижк[^ ]*|скидк[^ ]*|бонус[^ ]*|акці[^ ]*)|промокод[^ ]*|логін|логин|` +
    `(?:код|кода|коду|коди) (?:[^ ]+ )?(?:ковід[^ ]*|ковид[^ ]*|covid[^ ]*|сертифікат[^ ]*|сертификат[^ ]*)|` +
    // A password or PIN of something else; "пароль для аптеки" is what some patients call the code.
    `(?:пароль|пароля|паролі|пін ?код|pin) (?:від|от|до|к|для) (?:[^ ]+ )?(?:дії|дія|дию|банк[^ ]*|приват[^ ]*|моно[^ ]*|пошт[^ ]*|почт[^ ]*|gmail|` +
    `телефон[^ ]*|вайбер[^ ]*|viber|wifi|вайфай|інтернет[^ ]*|интернет[^ ]*|картк[^ ]*|карти|карты|кабінет[^ ]*|кабинет[^ ]*|акаунт[^ ]*|аккаунт[^ ]*|сім[^ ]*|сим[^ ]*))${END}`,
);

/**
 * What a document is for, and where to buy medicines: "навіщо потрібне е-направлення", "для чого
 * потрібен код", "де можна купити ліки по рецепту". General questions, not the patient's data.
 */
const PURPOSE_OR_WHERE_TO_BUY = new RegExp(
  `${W}(?:(?:навіщо|нащо|для чого|зачем|для чего) (?:[^ ]+ ){0,2}(?:потрібн[^ ]*|потрібен|треба|нужн[^ ]*|нужен)|` +
    // "навіщо направлення?", "для чого код": the whole question is what a document is for.
    `^(?:а )?(?:навіщо|нащо|для чого|зачем|для чего) (?:це |той |цей |мені |мне )?(?:направлен|скерув|рецепт|код|е рецепт|е направлен)[^ ]*$|` +
    `(?:де|куди|где) (?:[^ ]+ ){0,2}(?:купити|придбати|отоварити|купить|приобрести|отоварить))${END}`,
);

/** Shelf life and opening hours: "термін придатності молока", "до котрої працює аптека". */
const SHELF_LIFE_OR_HOURS = new RegExp(
  // Not about a document of the patient's: "термін придатності рецепта" asks when it expires.
  `^(?!.*(?:рецепт|направлен|скерув|код))(?:.*${W}(?:придатн[^ ]*|годен|годна|срок годности|графік роботи|режим роботи|график работы|режим работы)${END}|` +
    `${W}(?:працює|працюють|відчинен[^ ]*|зачинен[^ ]*|работает|работают|открыт[^ ]*|закрыт[^ ]*) (?:[^ ]+ ){0,2}аптек[^ ]*|` +
    `${W}аптек[^ ]* (?:[^ ]+ ){0,2}(?:працює|працюють|відчинен[^ ]*|зачинен[^ ]*|работает|работают|открыт[^ ]*|закрыт[^ ]*)${END})`,
);

/** A cooking recipe: "рецепт" is also a recipe ("рецепт борщу", "рецепт сирників з родзинками"). */
const COOKING = new RegExp(
  `${W}(?:рецепт[^ ]*|рецепти) (?:[^ ]+ )?(?:приготуван[^ ]*|приготовлен[^ ]*|страв[^ ]*|блюд[^ ]*|` +
    `борщ[^ ]*|сирник[^ ]*|сырник[^ ]*|млинц[^ ]*|млинц|блин[^ ]*|налисник[^ ]*|оладк[^ ]*|оладь[^ ]*|пирог[^ ]*|пиріг|пирога|пирожк[^ ]*|` +
    `пиріжк[^ ]*|торт[^ ]*|салат[^ ]*|печив[^ ]*|печень[^ ]*|суп[^ ]*|вареник[^ ]*|пельмен[^ ]*|голубц[^ ]*|кекс[^ ]*|` +
    `пиц[^ ]*|піц[^ ]*|шарлотк[^ ]*|олів'є|холодц[^ ]*|котлет[^ ]*|компот[^ ]*|варенн[^ ]*|варень[^ ]*|тіст[^ ]*|тест[ао]|` +
    `паск[^ ]*|кулич[^ ]*|вина|коктейл[^ ]*|смузі|соус[^ ]*|каш[^ ]*|хліб[^ ]*|хлеб[^ ]*)${END}`,
);

/** Thanks for what arrived: "дякую, все прийшло", "спасибо, получила". A confirmation, not a request. */
const THANKS_RECEIVED = new RegExp(
  `^(?:дякую|дякуємо|дяки|спасибі|спасибо|thanks|thank you)(?: [^ ]+){0,2} (?:все |усе |всё |вже |уже |код |рецепт |направлення )?` +
    `(?:прийшло|прийшов|прийшла|прийшли|дійшло|дійшов|отримала|отримав|отримали|получила|получил|пришло|пришел|пришёл|got it|received)$`,
);

/**
 * Medical and programme questions a list of documents cannot answer: a substitute ("можна замінити ліки на
 * аналог") or whether something is free ("чи безкоштовний інсулін за програмою").
 */
const SUBSTITUTE_OR_FREE = new RegExp(
  `${W}(?:аналог|аналоги|аналога|аналогом|аналогів|аналогу|замінник[^ ]*|заменител[^ ]*|` +
    `(?:чи|ли) (?:[^ ]+ ){0,4}(?:безкоштовн[^ ]*|бесплатн[^ ]*|платн[^ ]*))${END}`,
);

/**
 * Asking for a new document, which only a doctor can write: "випишіть мені рецепт", "продовжте рецепт", "як
 * продлить рецепт". Imperatives and infinitives only: "мені виписали рецепт" is about one the patient has.
 */
const WRITE_ME_ONE = new RegExp(
  `${W}(?:(?:випишіть|випиши|выпишите|выпиши|продовжте|продовжіть|продлите|оформіть|оформите)|` +
    `(?:як|как|можна|можно|хочу|треба|потрібно|нужно|надо|прошу) (?:[^ ]+ )?(?:виписати|выписать|продовжити|продлить|оформити|оформить)) ` +
    `(?:[^ ]+ ){0,2}(?:рецепт|направлен|скерув)[^ ]*${END}`,
);

/**
 * Other health services with words of ours: COVID certificates, vaccination, sick leave, the declaration with a
 * family doctor, opening hours of clinics, what a programme covers, and what can be done without a referral.
 */
const OTHER_SERVICES = new RegExp(
  // Topics of their own, unless the message names one of our documents ("направлення на щеплення", "код для декларації").
  `^(?!.*(?:рецепт|направлен|скерув|код))(?:.*${W}(?:ковід|ковид|covid|коронавірус|вакцинац|щеплен|прививк|лікарнян|больничн|декларац)[^ ]*${END})|` +
    `${W}(?:(?:хто|кто) (?:мій|моя|мой|наш) (?:[^ ]+ )?(?:лікар|врач)${END}|` +
    `(?:працює|працюють|приймає|приймають|работает|работают|принимает|принимают) (?:[^ ]+ ){0,2}(?:поліклінік|поликлиник|лікарн|больниц|амбулатор|клінік|клиник|лікар|врач)[^ ]*|` +
    `(?:поліклінік|поликлиник|лікарн|больниц|амбулатор|клінік|клиник)[^ ]* (?:[^ ]+ ){0,2}(?:працює|працюють|работает|работают)${END}|` +
    `(?:входить|входять|входит|входят) (?:[^ ]+ ){0,2}(?:в|у|до) (?:програм[^ ]*|доступн[^ ]*|перелік[^ ]*)${END}|` +
    `(?:як|как) (?:працює|работает) (?:програма|программа)|` +
    `(?:чи|ли|можна|можно) (?:[^ ]+ ){0,4}без (?:направлення|направления|рецепта|скерування)${END}|` +
    `(?:в|у) (?:якій|котрій|какой|которой) аптец[^ ]*)`,
);

export interface OutOfScopeRule {
  readonly name: string;
  readonly pattern: RegExp;
}

export const OUT_OF_SCOPE_RULES: readonly OutOfScopeRule[] = [
  { name: 'definition-question', pattern: DEFINITION },
  { name: 'price-question', pattern: PRICE },
  { name: 'definition-question-en', pattern: DEFINITION_EN },
  { name: 'price-question-en', pattern: PRICE_EN },
  { name: 'other-code-or-password', pattern: OTHER_CODE },
  { name: 'purpose-or-where-to-buy', pattern: PURPOSE_OR_WHERE_TO_BUY },
  { name: 'thanks-received', pattern: THANKS_RECEIVED },
  { name: 'shelf-life-or-opening-hours', pattern: SHELF_LIFE_OR_HOURS },
  { name: 'cooking-recipe', pattern: COOKING },
  { name: 'substitute-or-free', pattern: SUBSTITUTE_OR_FREE },
  { name: 'write-me-a-new-one', pattern: WRITE_ME_ONE },
  { name: 'other-health-services', pattern: OTHER_SERVICES },
];

/** The first rule saying this normalised text is out of scope despite its domain words, or undefined. */
export function matchOutOfScopeRule(normalized: string): OutOfScopeRule | undefined {
  return OUT_OF_SCOPE_RULES.find((rule) => rule.pattern.test(normalized));
}
