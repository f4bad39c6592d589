import { Group, Kbd, Modal, Table, Text } from '@mantine/core'
import { shortcutHelp } from './shortcuts'

export function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="lg" data-testid="shortcuts-help">
      <Table verticalSpacing={6}>
        <Table.Tbody>
          {shortcutHelp().map((s) => (
            <Table.Tr key={s.what}>
              <Table.Td w={200}>
                <Group gap={6}>
                  {s.keys.map((k) => (
                    <Kbd key={k} size="sm">
                      {k}
                    </Kbd>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{s.what}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  )
}
