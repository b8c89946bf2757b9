import type { Channel } from '../api/types';
import { CHANNEL_LABELS } from '../lib/format';
import branch from '../../../assets/channels/branch.svg';
import chat from '../../../assets/channels/chat.svg';
import email from '../../../assets/channels/email.svg';
import facebook from '../../../assets/channels/facebook.svg';
import instagram from '../../../assets/channels/instagram.svg';
import phone from '../../../assets/channels/phone.svg';
import sms from '../../../assets/channels/sms.svg';
import webForm from '../../../assets/channels/web_form.svg';
import x from '../../../assets/channels/x.svg';

/** The channel icons from assets/channels, inlined by Vite as data: URIs. */
export const CHANNEL_ICONS: Record<Channel, string> = {
  branch,
  phone,
  email,
  web_form: webForm,
  chat,
  sms,
  x,
  facebook,
  instagram,
};

export function ChannelIcon({ channel, size = 16 }: { channel: Channel; size?: number }) {
  return (
    <img
      className={`channel-icon channel-icon--${channel}`}
      src={CHANNEL_ICONS[channel]}
      alt=""
      aria-hidden="true"
      width={size}
      height={size}
      draggable={false}
    />
  );
}

/** Icon and name, in the channel's colour. */
export function ChannelTag({ channel, testId }: { channel: Channel; testId?: string }) {
  return (
    <span className={`channel channel--${channel}`} data-testid={testId} data-channel={channel}>
      <ChannelIcon channel={channel} />
      <span className="channel-name">{CHANNEL_LABELS[channel]}</span>
    </span>
  );
}
