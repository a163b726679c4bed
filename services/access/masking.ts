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

/**
 * Free text and identifiers that may carry personal data (a holder's resident ID number, a task's
 * note with a phone in it): whole for those who see the licence's contacts, with phone and ID
 * numbers masked for everyone else, as {@link contactFor} does for the contact.
 */
export function personalTextFor<T extends string | null>(principal: Principal, licence: { bureauCode: string; departmentId: string }, text: T): T {
  if (text === null || seesContactsOf(principal, licence)) return text;
  return maskPersonalText(text) as T;
}
