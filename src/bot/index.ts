import type { SmsProvider } from '../channels/sms/provider';
import type { ViberChannel } from '../channels/viber/channel';
import type { Database } from '../db/database';
import type { JobQueue, JobStep } from '../delivery/jobs';
import type { StepHandler } from '../delivery/worker';
import type { Logger } from '../logger';
import { createIntentClassifier, type IntentClassifier } from '../nlu/classifier';
import { claimSmsHandler } from './claim-sms';
import { Conversation, type StaffCommands } from './conversation';
import { ViberInbox } from './inbox';

export interface BotDeps {
  db: Database;
  queue: JobQueue;
  viber: ViberChannel;
  sms: SmsProvider[];
  logger: Logger;
  now: () => number;
  wake: () => void;
  classifier?: Promise<IntentClassifier>;
  staffCommands?: StaffCommands;
}

export interface Bot {
  inbox: ViberInbox;
  conversation: Conversation;
  handlers: Partial<Record<JobStep, StepHandler>>;
}

/** The Viber bot: its webhook inbox and the outbox steps that answer patients and send claim codes. */
export function createBot(deps: BotDeps): Bot {
  const classifier = deps.classifier ?? createIntentClassifier();
  const conversation = new Conversation({
    db: deps.db,
    queue: deps.queue,
    send: (receiver, message) => deps.viber.send(receiver, message),
    classifier,
    logger: deps.logger,
    now: deps.now,
    staffCommands: deps.staffCommands,
  });
  const inbox = new ViberInbox({
    db: deps.db,
    logger: deps.logger,
    now: deps.now,
    wake: deps.wake,
    welcome: (user) => conversation.welcome(user, deps.viber.senderObject()),
  });
  return {
    inbox,
    conversation,
    handlers: {
      viber_message: (job) => conversation.handleMessageJob(job),
      claim_sms: claimSmsHandler({ db: deps.db, queue: deps.queue, sms: deps.sms, logger: deps.logger, now: deps.now }),
    },
  };
}
