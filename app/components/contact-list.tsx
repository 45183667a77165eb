import { roleLabels, type Role } from "../features/auth/roles.ts";

export interface Contact {
  userId: string;
  name: string;
  email: string;
  phone: string | null;
  jobTitle: string | null;
  role: Role;
}

export function ContactList({ contacts }: { contacts: Contact[] }) {
  return (
    <ul className="contact-list">
      {contacts.map((contact) => (
        <li key={`${contact.userId}-${contact.role}`}>
          <strong>{contact.name}</strong> — {contact.jobTitle ?? roleLabels[contact.role]}
          <br />
          <a href={`mailto:${contact.email}`}>{contact.email}</a>
          {contact.phone ? (
            <>
              {" · "}
              <a href={`tel:${contact.phone.replace(/[^+\d]/g, "")}`}>{contact.phone}</a>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
