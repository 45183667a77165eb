/** The wiki's sections as options of a select, indented by depth. */
export function SectionOptions({ sections }: { sections: { id: string; title: string; depth: number }[] }) {
  return sections.map((section) => (
    <option key={section.id} value={section.id}>
      {"\u00a0\u00a0".repeat(section.depth)}
      {section.title}
    </option>
  ));
}
