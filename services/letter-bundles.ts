import { holderTextValues, localDateOf, renderMessage } from '../domain';
import type { PrismaClient } from '../generated/prisma/client';
import { letterText, renderLetterPdf } from './letter-pdf';
import { effectiveTemplate, valuesOfLicence } from './message-templates';
import { Refusal } from './refusal';

/**
 * One letter for a holder's letter tasks of a day (a bundle): the letter's wording with the
 * licences' names, numbers and expiry dates listed, when one letter is true for all of them (the
 * same wording, office, deadline, materials and booking).
 * @throws Refusal (conflict) when the licences' letters say different things about renewing: each is then sent as it is.
 */
export async function bundleLetterPdf(prisma: PrismaClient, task: { id: string; bundleKey: string | null; departmentId: string; kind: string }, now: Date): Promise<{ pdf: Buffer; licenceNumbers: string[] }> {
  if (task.kind !== 'send_letter' || !task.bundleKey) throw new Refusal('conflict', 'not_bundled', 'The task is not one of a holder\'s several letters of a day: download its own letter.');
  const tasks = await prisma.humanTask.findMany({
    where: { bundleKey: task.bundleKey, departmentId: task.departmentId, kind: 'send_letter' },
    include: { licence: { include: { bureau: true, catalogueEntry: { include: { department: true } } } } },
  });
  const licences = tasks.map((bundled) => bundled.licence).sort((a, b) => a.licenceNumber.localeCompare(b.licenceNumber));
  const [first] = licences;
  if (!first || licences.length < 2) throw new Refusal('conflict', 'not_bundled', 'The holder has no other letter that day: download the task\'s own letter.');
  const wordings = await Promise.all(licences.map((licence) => effectiveTemplate(prisma, licence.bureauCode, licence.catalogueEntry.code, 'letter')));
  const values = holderTextValues(licences.map(valuesOfLicence));
  if (!values || wordings.some((wording) => wording.text !== wordings[0]!.text)) {
    throw new Refusal('conflict', 'letters_differ', 'The licences are renewed in different places or ways, so one letter cannot speak for them: send each licence\'s own letter in the envelope.');
  }
  const body = letterText({
    message: renderMessage(wordings[0]!.text, values),
    contactName: first.contactName,
    bureauName: first.bureau.name,
    departmentName: first.catalogueEntry.department.name,
    day: localDateOf(now, first.bureau.timeZone),
  });
  return { pdf: await renderLetterPdf({ bureauName: first.bureau.name, body }), licenceNumbers: licences.map((licence) => licence.licenceNumber) };
}
