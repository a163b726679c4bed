import { maskPersonalText } from '../../domain/personal-data';
import { seesContactsOf, type Principal } from './principal';

/** A licence holder's contact as stored. */
export interface Contact {
  name: string;
  phone: string;
  address?: string | null;
}

/** Masks a contact: the name's first character, the phone's first three and last four digits, no address. */
export function maskContact<T extends Contact>(contact: T): T {
  const name = contact.name.length > 1 ? `${contact.name[0]}${'*'.repeat(contact.name.length - 1)}` : '*';
  const phone = maskPersonalText(contact.phone);
  return { ...contact, name, phone: phone === contact.phone ? phone.replace(/\d(?=\d{4})/g, '*') : phone, ...(contact.address ? { address: '***' } : {}) };
}

/** The contact in full for those who own it (see {@link seesContactsOf}), masked for everyone else. */
export function contactFor<T extends Contact>(principal: Principal, licence: { bureauCode: string; departmentId: string }, contact: T): T {
  return seesContactsOf(principal, licence) ? contact : maskContact(contact);
}
