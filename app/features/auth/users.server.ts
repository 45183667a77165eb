import type { Executor } from "../../../db/client.ts";
import type { User } from "../../../db/schema.ts";
import { hashPassword } from "./password.server.ts";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Executor, email: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
}

export async function findUserById(db: Executor, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface NewUserInput {
  email: string;
  password: string;
  name: string;
  jobTitle?: string | null;
  phone?: string | null;
}

export async function createUser(db: Executor, input: NewUserInput): Promise<User> {
  return db
    .insertInto("users")
    .values({
      email: normaliseEmail(input.email),
      passwordHash: await hashPassword(input.password),
      name: input.name.trim(),
      jobTitle: input.jobTitle?.trim() || null,
      phone: input.phone?.trim() || null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ProfileInput {
  name: string;
  jobTitle: string | null;
  phone: string | null;
}

export async function updateProfile(db: Executor, userId: string, input: ProfileInput): Promise<void> {
  await db
    .updateTable("users")
    .set({ name: input.name, jobTitle: input.jobTitle, phone: input.phone, updatedAt: new Date() })
    .where("id", "=", userId)
    .execute();
}

export async function setPassword(db: Executor, userId: string, password: string): Promise<void> {
  await db
    .updateTable("users")
    .set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
    .where("id", "=", userId)
    .execute();
}
