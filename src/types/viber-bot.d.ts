// viber-bot ships no typings; only its message classes are used (see README, "Viber").
declare module 'viber-bot/lib/message/text-message' {
  class TextMessage {
    constructor(text: string, keyboard?: object | null, trackingData?: object | null, timestamp?: number | null, token?: string | null, minApiVersion?: number);
    toJson(): { type: 'text'; text: string };
  }
  export = TextMessage;
}
declare module 'viber-bot/lib/message/rich-media-message' {
  class RichMediaMessage {
    constructor(richMedia: object, keyboard?: object | null, trackingData?: object | null, timestamp?: number | null, token?: string | null, altText?: string | null, minApiVersion?: number);
    toJson(): { type: 'rich_media'; rich_media: object; alt_text: string | null; min_api_version: number };
  }
  export = RichMediaMessage;
}
