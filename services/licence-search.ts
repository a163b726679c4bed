import type { LicenceStage } from '../domain';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** What staff and approval systems find licences by; every field narrows the result. */
export interface LicenceFilter {
  bureau: string;
  /** Part of the holder's name. */
  holder?: string;
  /** The start of the licence number, e.g. 鲁威药经2023. */
  numberPrefix?: string;
  /** The catalogue code of the licence type. */
  type?: string;
  department?: string;
  stage?: LicenceStage;
  /** Expiry from (inclusive), YYYY-MM-DD. */
  expiresFrom?: string;
  /** Expiry to (inclusive), YYYY-MM-DD. */
  expiresTo?: string;
}

export const LICENCE_SORTS = ['expiresOn', 'licenceNumber', 'holderName'] as const;
export type LicenceSort = (typeof LICENCE_SORTS)[number];

export interface LicencePaging {
  sort: LicenceSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

const licenceInclude = { bureau: true, catalogueEntry: { include: { department: true } } } as const;
export type FoundLicence = Prisma.LicenceGetPayload<{ include: typeof licenceInclude }>;

function whereOf(filter: LicenceFilter): Prisma.LicenceWhereInput {
  return {
    bureauCode: filter.bureau,
    ...(filter.holder ? { holderName: { contains: filter.holder } } : {}),
    ...(filter.numberPrefix ? { licenceNumber: { startsWith: filter.numberPrefix } } : {}),
    ...(filter.stage ? { stage: filter.stage } : {}),
    ...(filter.type || filter.department
      ? { catalogueEntry: { ...(filter.type ? { code: filter.type } : {}), ...(filter.department ? { department: { name: filter.department } } : {}) } }
      : {}),
    ...(filter.expiresFrom || filter.expiresTo
      ? {
          expiresOn: {
            ...(filter.expiresFrom ? { gte: new Date(`${filter.expiresFrom}T00:00:00Z`) } : {}),
            ...(filter.expiresTo ? { lte: new Date(`${filter.expiresTo}T00:00:00Z`) } : {}),
          },
        }
      : {}),
  };
}

/** One page of the licences that match, in the order asked for (then by number, so that pages never overlap), with the total. */
export async function searchLicences(prisma: PrismaClient, filter: LicenceFilter, paging: LicencePaging): Promise<{ licences: FoundLicence[]; total: number }> {
  const where = whereOf(filter);
  const orderBy: Prisma.LicenceOrderByWithRelationInput[] = [{ [paging.sort]: paging.order }, ...(paging.sort === 'licenceNumber' ? [] : [{ licenceNumber: 'asc' as const }])];
  const [licences, total] = await Promise.all([
    prisma.licence.findMany({ where, include: licenceInclude, orderBy, skip: (paging.page - 1) * paging.pageSize, take: paging.pageSize }),
    prisma.licence.count({ where }),
  ]);
  return { licences, total };
}
